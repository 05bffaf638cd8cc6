"""Which language a patient's message is written in: English unless a supported language is clearly more likely.

lingua-language-detector, offline, restricted to English, the languages the assistant has texts for
(content/<code>/texts.yml) and their nearest neighbours, so that a Portuguese or Italian message is not
forced into Spanish. Short messages ("ok", "hola", "no pus", a name, a number) stay English: an English patient
answered in another language is the worst mistake here. The minimum length and the threshold were chosen on
tests/held_out/languages.yml (bench/compare_language_detection.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

ENGLISH = "en"
# Spanish's neighbours: without them a Portuguese or Italian message would be read as Spanish or English.
NEIGHBOURS = ("pt", "fr", "it")
MIN_WORDS = 2
THRESHOLD = 0.5
_WORD = re.compile(r"[^\W\d_]{2,}")


def word_count(text: str) -> int:
    """The words of two letters or more in a message (numbers, emoji and initials do not count)."""
    return len(_WORD.findall(text))


@functools.lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):  # noqa: ANN202 - lingua's type, imported lazily
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


def candidates(supported: Iterable[str]) -> tuple[str, ...]:
    """The languages the detector chooses among: English, the supported ones and Spanish's neighbours."""
    return tuple(sorted({ENGLISH, *supported, *NEIGHBOURS}))


def detect_language(text: str, supported: Iterable[str], threshold: float = THRESHOLD) -> str:
    """The ISO 639-1 code of the supported language `text` is written in, or "en" (also for anything unsure).

    Never raises on odd text (emoji, control characters, very long text).
    """
    supported = tuple(sorted(set(supported) - {ENGLISH}))
    if not supported or not isinstance(text, str) or word_count(text) < MIN_WORDS:
        return ENGLISH
    detector = _detector(candidates(supported))
    best = max(supported, key=lambda code: _confidence(detector, text, code))
    return best if _confidence(detector, text, best) >= threshold else ENGLISH


def _confidence(detector, text: str, code: str) -> float:  # noqa: ANN001
    from lingua import IsoCode639_1, Language

    return detector.compute_language_confidence(text, Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))


def preload(supported: Iterable[str]) -> None:
    """Loads the language models now (about 2 s), so that the first patient does not wait for them."""
    _detector(candidates(tuple(sorted(set(supported) - {ENGLISH}))))

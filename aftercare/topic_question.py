"""Whether a question about an expected effect is asked in general or about what the patient has now.

The word lists live in content/topic_questions.yml. Pure Python: no Rasa import.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from aftercare.assertion import Assertion
from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

DEFAULT_PHRASES_PATH = CONTENT_FOLDER / "topic_questions.yml"
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc`\u00b4", "'"))


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternatives; an apostrophe in a phrase is optional."""
    alternatives = sorted((re.escape(phrase.lower()).replace("'", "'?") for phrase in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


@functools.lru_cache(maxsize=4)
def _load(path: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = read_yaml_mapping(path)
    for key in ("general", "has_it_now"):
        if not isinstance(data.get(key), list) or not data[key]:
            raise ConfigError(f"{path}: key '{key}' must be a non-empty list of phrases")
        if not all(isinstance(phrase, str) for phrase in data[key]):
            raise ConfigError(f"{path}: '{key}' must hold text only; put yes/no/on/off in quotes")
    return _pattern(data["general"]), _pattern(data["has_it_now"])


def topic_question_status(text: str, path: Path | str = DEFAULT_PHRASES_PATH) -> Assertion:
    """GENERAL for "how long does redness last?", PRESENT for anything else, so an unclear question escalates."""
    general, has_it_now = _load(str(Path(path).resolve()))
    clean = (text or "").lower().translate(_APOSTROPHES)
    if general.search(clean) and not has_it_now.search(clean):
        return Assertion.GENERAL
    return Assertion.PRESENT

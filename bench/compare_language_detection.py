"""Compares offline language detectors on short chat messages (tests/held_out/languages.yml).

    python -m bench.compare_language_detection

Each detector is asked for the probability that a message is Spanish, among English, Spanish and the languages
nearest to Spanish (Portuguese, French, Italian), and the project's rule decides: a message of fewer than
`min_words` words stays English, else it is Spanish when that probability reaches the threshold. Prints, per
detector, rule and threshold, how many English messages would be answered in Spanish (must be 0) and how many
Spanish ones are recognised, with load time and memory. langid and lingua need not both be installed in the
project's venv: `pip install --target DIR` one of them and run with PYTHONPATH=DIR.
"""

from __future__ import annotations

import importlib.util
import resource
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from aftercare.languages.detection import word_count

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "held_out" / "languages.yml"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
CANDIDATES = ("en", "es", "pt", "fr", "it")


def langid_scorer() -> Callable[[str], float]:
    """langid.py (Lui and Baldwin, 2012), restricted to the candidate languages, normalised probabilities."""
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return lambda text: dict(identifier.rank(text)).get("es", 0.0)


def lingua_scorer() -> Callable[[str], float]:
    """lingua-language-detector, restricted to the candidate languages, models preloaded."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in CANDIDATES]
    detector = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    return lambda text: detector.compute_language_confidence(text, Language.SPANISH)


def main() -> None:
    """Prints the comparison table."""
    held_out = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
    english, spanish = [str(m) for m in held_out["english"]], [str(m) for m in held_out["spanish"]]
    print(f"{len(english)} English and {len(spanish)} Spanish held-out messages ({HELD_OUT.name})")
    print(f"{'detector':8} {'min words':>9} {'threshold':>9} {'English->es':>11} {'Spanish found':>13}")
    for name, make in (("langid", langid_scorer), ("lingua", lingua_scorer)):
        if importlib.util.find_spec(name) is None:
            print(f"{name:8} not installed")
            continue
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        score = make()
        score("warm up")
        loaded = time.perf_counter() - started
        english_scores = [(word_count(m), score(m)) for m in english]
        spanish_scores = [(word_count(m), score(m)) for m in spanish]
        started = time.perf_counter()
        for message in spanish:
            score(message)
        per_message = (time.perf_counter() - started) / len(spanish) * 1000
        memory = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before) / 1024
        for min_words in (1, 2):
            for threshold in THRESHOLDS:
                english_pairs = zip(english, english_scores, strict=True)
                spanish_pairs = zip(spanish, spanish_scores, strict=True)
                wrong = [m for m, (w, p) in english_pairs if w >= min_words and p >= threshold]
                missed = [m for m, (w, p) in spanish_pairs if w < min_words or p < threshold]
                print(
                    f"{name:8} {min_words:>9} {threshold:>9.1f} {len(wrong):>5}/{len(english):<5} "
                    f"{len(spanish) - len(missed):>6}/{len(spanish):<6} wrong: {', '.join(wrong[:3]) or '-'}; "
                    f"missed: {', '.join(missed[:3]) or '-'}"
                )
        print(f"{name:8} load {loaded:.1f} s, {per_message:.2f} ms a message, +{memory:.0f} MB peak memory")


if __name__ == "__main__":
    main()

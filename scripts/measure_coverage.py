"""Measures where DIET's care-topic guesses stop being trustworthy, per topic, on the held-out NLU messages.

    python -m scripts.measure_coverage [--model models/aftercare.tar.gz] [--write]

For every held-out message it takes DIET's best intent and confidence (the intent ranking, before the rule-based
components change the intent) and the topics the message names (the TopicDetector's entities), then, per care
topic, tries each threshold and counts how many messages the CoverageGate (aftercare/coverage.py) would then get
right: a guess below the threshold in a message not naming the topic becomes the named topic, or out_of_scope.
It prints, per topic, the messages guessed as it without naming it (right / wrong, with confidences) and the
threshold that gets the most right (the lowest of equals, at most MAX_THRESHOLD, so one outlier cannot shut a
topic), and with --write stores the thresholds that differ from the default in content/topic_confidence.yml.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from aftercare.coverage import DEFAULT_THRESHOLDS_PATH, TOPIC_PREFIX, CoverageThresholds, covered_intent
from aftercare.topics import find_topics, is_topic_only
from scripts.eval_components import parse_messages

HELD_OUT = Path("tests/nlu_held_out.yml")
DEFAULT_MODEL = Path("models/aftercare.tar.gz")
MAX_THRESHOLD = 0.9
FALLBACK = "nlu_fallback"


def held_out_messages(path: Path = HELD_OUT) -> list[tuple[str, str]]:
    """(text, intent) for every held-out example, entity annotations removed."""
    import re

    cases = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                cases.append((re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text), block["intent"]))
    return cases


def classifier_guess(parse: dict[str, Any]) -> tuple[str, float]:
    """DIET's best intent and its confidence (nlu_fallback when the FallbackClassifier stepped in)."""
    ranking = parse.get("intent_ranking") or []
    if ranking and ranking[0].get("name") == FALLBACK:
        return FALLBACK, float(ranking[0].get("confidence") or 0.0)
    best = ranking[0] if ranking else parse.get("intent") or {}
    return str(best.get("name") or ""), float(best.get("confidence") or 0.0)


def main() -> int:
    """Prints the per-topic figures and best thresholds; --write stores them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="store the thresholds in content/topic_confidence.yml")
    args = parser.parse_args()
    cases = held_out_messages()
    parses = parse_messages(args.model, [text for text, _ in cases])
    default = yaml.safe_load(DEFAULT_THRESHOLDS_PATH.read_text(encoding="utf-8"))["default"]
    # Per topic: (confidence, named topics, expected intent, the intent the pipeline ended with) of each guess.
    guesses: dict[str, list[tuple[float, list[str], str, str]]] = defaultdict(list)
    for (text, expected), parse in zip(cases, parses, strict=True):
        intent, confidence = classifier_guess(parse)
        if not intent.startswith(TOPIC_PREFIX):
            continue
        named = [e["value"] for e in parse.get("entities") or [] if e.get("entity") == "topic"]
        final = (parse.get("intent") or {}).get("name") or ""
        if is_topic_only(text, find_topics(text)):
            continue  # the TopicDetector answers it as a question about the topics it names: the gate keeps that
        if intent[len(TOPIC_PREFIX) :] in named:
            continue  # the message names the topic: the gate never overrides it
        guesses[intent[len(TOPIC_PREFIX) :]].append((confidence, named, expected, final))

    chosen = {}
    print(f"{'topic':<20}{'n':>3}{'right':>6}{'wrong':>6}  threshold  right after  wrong guesses (confidence, truth)")
    for topic, rows in sorted(guesses.items()):
        candidates = sorted({default, *(min(c + 0.001, MAX_THRESHOLD) for c, *_ in rows if c < MAX_THRESHOLD)})

        def right_at(threshold: float, rows: list = rows, topic: str = topic) -> int:
            thresholds = CoverageThresholds(default, {topic: threshold})
            count = 0
            for confidence, named, expected, final in rows:
                if final.startswith("report_"):
                    count += final == expected  # the WarningSignDetector overrides whatever the gate did
                    continue
                outcome = covered_intent(f"{TOPIC_PREFIX}{topic}", confidence, named, thresholds)
                count += (outcome or f"{TOPIC_PREFIX}{topic}") == expected
            return count

        best = min(candidates, key=lambda threshold: (-right_at(threshold), threshold))
        chosen[topic] = round(best, 3)
        right = sum(expected == f"{TOPIC_PREFIX}{topic}" for _, _, expected, _ in rows)
        wrong = sorted((round(c, 2), e) for c, _, e, _ in rows if e != f"{TOPIC_PREFIX}{topic}")
        print(
            f"{topic:<20}{len(rows):>3}{right:>6}{len(rows) - right:>6}  {best:>9.3f}  "
            f"{right_at(default):>3} -> {right_at(best):<3}  {wrong}"
        )
    if args.write:
        topics = {topic: value for topic, value in sorted(chosen.items()) if value > default}
        text = DEFAULT_THRESHOLDS_PATH.read_text(encoding="utf-8").split("\ndefault:")[0]
        body = yaml.safe_dump({"default": default, "topics": topics}, sort_keys=False, default_flow_style=False)
        DEFAULT_THRESHOLDS_PATH.write_text(text + "\n" + body, encoding="utf-8")
        print(f"Wrote {len(topics)} thresholds to {DEFAULT_THRESHOLDS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

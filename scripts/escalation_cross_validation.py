"""Cross-validates the learned escalation model by writer, and chooses the escalation rule's thresholds.

Run from the repository root: `python -m scripts.escalation_cross_validation [--model models/aftercare.tar.gz]`.
Each writer's corpus files (corpus/escalation/<writer>_*.yml) are predicted by a model trained on the other
writers' (aftercare.escalation_model.cross_validate); the lexicon reads every message as the detector does; with
`--model`, the trained Rasa model gives the classifier's report guess the detector lets stand (the intent before the
learned component). It prints the model's figures alone, the lexicon's, and the combined rule's at the thresholds
of least cost (aftercare.escalation_rule.choose_thresholds): those go into the component's default config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aftercare.escalation import REPORT_INTENTS, report_level
from aftercare.escalation_model import NONE, cross_validate, read_corpus
from aftercare.escalation_rule import (
    VETO_GRID,
    Figures,
    LexiconReading,
    choose_thresholds,
    combined_escalation,
    figures,
    lexicon_reading,
    model_escalation,
)
from aftercare.warning_signs import find_sign_mentions

CORPUS = Path("corpus/escalation")


def figures_line(name: str, result: Figures) -> str:
    """One row of the table."""
    return (
        f"    {name:<34}{result.emergency_recall:>10.1%}{result.warning_recall:>10.1%}{result.false_alarms:>14.1%}"
        f"{result.over_escalated:>16.1%}"
    )


def classifier_intents(model: Path, texts: list[str]) -> list[str | None]:
    """The intent after the warning-sign detector (before the learned component) for each text."""
    from scripts.eval_components import nlu_parser

    intents = []
    for parse in nlu_parser(model)(texts):
        before = (parse.get("escalation_model") or {}).get("intent_before", (parse.get("intent") or {}).get("name"))
        intents.append(before)
    return intents


def nested(expected: list[str | None], readings: list[LexiconReading], predictions: list, messages: list) -> Figures:
    """The combined rule on each writer's messages with the thresholds chosen on the other writers' (no peeking)."""
    decided: list[str | None] = [None] * len(messages)
    for writer in {message.writer for message in messages}:
        others = [i for i, message in enumerate(messages) if message.writer != writer]
        chosen, _ = choose_thresholds(
            [expected[i] for i in others],
            [readings[i] for i in others],
            [predictions[i] for i in others],
            [messages[i].kind for i in others],
        )
        for i, message in enumerate(messages):
            if message.writer == writer:
                decided[i] = combined_escalation(readings[i], predictions[i], chosen)
    return figures(expected, decided)


def main() -> int:
    """Prints the cross-validated figures and the chosen thresholds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (default: %(default)s)")
    parser.add_argument("--model", type=Path, help="a trained Rasa model, for the classifier's report guesses")
    arguments = parser.parse_args()
    messages = read_corpus(arguments.corpus)
    texts = [message.text for message in messages]
    expected = [None if message.label == NONE else message.label for message in messages]
    predictions = cross_validate(messages)
    mentions = [find_sign_mentions(text) for text in texts]
    intents = classifier_intents(arguments.model, texts) if arguments.model else [None] * len(texts)
    readings: list[LexiconReading] = []
    for found, intent in zip(mentions, intents, strict=True):
        signs = [sign.category for sign in found if sign.escalates]
        readings.append(lexicon_reading(intent, signs, [(sign.category, sign.status) for sign in found]))
    writers = sorted({message.writer for message in messages})
    print(f"{len(messages)} corpus messages by writers {', '.join(writers)}, each predicted by a model of the others")
    print(f"    {'':<34}{'emergency':>10}{'warning':>10}{'false alarms':>14}{'over-escalated':>16}")
    print(figures_line("lexicon alone", figures(expected, [reading.sign for reading in readings])))
    if arguments.model:
        before = [
            reading.sign or (report_level(intent, []) if intent in REPORT_INTENTS else None)
            for reading, intent in zip(readings, intents, strict=True)
        ]
        print(figures_line("lexicon + classifier (before)", figures(expected, before)))
    print(figures_line("learned alone (most probable)", figures(expected, [model_escalation(p) for p in predictions])))
    thresholds, combined = choose_thresholds(expected, readings, predictions, [message.kind for message in messages])
    print(figures_line("combined", combined))
    print(f"Thresholds of least cost: {thresholds}")
    kinds = [message.kind for message in messages]
    _, vetoing = choose_thresholds(expected, readings, predictions, kinds, veto_grid=VETO_GRID)
    print(figures_line("combined, the veto offered (off)", vetoing))
    print(figures_line("combined, thresholds of the others", nested(expected, readings, predictions, messages)))
    for writer in writers:
        indices = [i for i, message in enumerate(messages) if message.writer == writer]
        alone = figures([expected[i] for i in indices], [model_escalation(predictions[i]) for i in indices])
        print(figures_line(f"learned alone, writer {writer}", alone))
    return 0


if __name__ == "__main__":
    sys.exit(main())

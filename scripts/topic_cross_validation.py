"""Cross-validates the learned topic model by corpus writer, and chooses the component's threshold.

Run from the repository root: `python -m scripts.topic_cross_validation --model models/aftercare.tar.gz`. Each
writer's calm corpus messages (corpus/escalation/) are predicted by a model trained on the NLU examples and the
other writers' messages (aftercare.topic_model.cross_validate_topics); the trained Rasa model gives the intent the
classifier and the coverage gate left (before components/learned_topics.py). It prints, for each threshold, how many
of the messages the classifier could not place the model answers on their topic and on another, and the threshold
of most gain (aftercare.topic_model.choose_threshold): it goes into the component's default config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aftercare.escalation_model import read_corpus
from aftercare.topic_model import (
    NLU_WRITER,
    THRESHOLD_GRID,
    choose_threshold,
    cross_validate_topics,
    threshold_figures,
    topic_examples,
)
from scripts.measure_coverage import held_out_messages

CORPUS = Path("corpus/escalation")
NLU = Path("data/nlu")


def classifier_intents(model: Path, texts: list[str]) -> list[str | None]:
    """The intent the classifier left for each text the learned topic model read, else None (it placed the text)."""
    from scripts.eval_components import nlu_parser

    return [(parse.get("topic_model") or {}).get("intent_before") for parse in nlu_parser(model)(texts)]


def main() -> int:
    """Prints the cross-validated figures per threshold and the chosen one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a trained Rasa model, for the classifier's intents")
    arguments = parser.parse_args()
    nlu = [example for path in sorted(NLU.glob("*.yml")) for example in held_out_messages(path)]
    examples = topic_examples(nlu, read_corpus(CORPUS))
    results = [(example, guess) for example, guess in cross_validate_topics(examples) if example.writer != NLU_WRITER]
    expected = [example.label for example, _ in results]
    classifier = classifier_intents(arguments.model, [example.text for example, _ in results])
    guesses = [guess for _, guess in results]
    print(f"{len(results)} calm corpus messages, each predicted by a model of the NLU data and the other writers")
    print(f"    {'threshold':>10}{'unplaced':>10}{'on topic':>10}{'off topic':>11}{'gain':>8}")
    for threshold in THRESHOLD_GRID:
        figures = threshold_figures(expected, classifier, guesses, threshold)
        print(
            f"    {threshold:>10.2f}{figures.unplaced:>10}{figures.placed_right:>10}{figures.placed_wrong:>11}"
            f"{figures.gain:>8.0f}"
        )
    print(f"Threshold of most gain: {choose_threshold(expected, classifier, guesses).threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A learned intent model for what the classifier could not place: which care question a message asks.

DIET (config.yml) learns from the NLU training examples only, and a message worded unlike them gets the rephrase
prompt or "the care guide doesn't cover that". This model also learns from the escalation corpus's calm messages
(corpus/escalation/: each has the `intent` its writer gave it), written by people who never saw the training data,
with the same features as the escalation model (aftercare.escalation_model.text_features) and seeded typos. Cheap
to train (seconds), so the corpus adds nothing to DIET's training time.

`cross_validate_topics` predicts each corpus writer's messages with a model of the others' and the NLU data, from
which the threshold of the component (components/learned_topics.py) is chosen: `choose_threshold`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline

from aftercare.escalation import REPORT_INTENTS
from aftercare.escalation_model import (
    DEFAULT_SETTINGS,
    NONE,
    LabelledMessage,
    ModelSettings,
    augmented,
    text_features,
)

MODEL_FILE = "topic_model.joblib"
NLU_WRITER = "nlu"
CARE_QUESTION_PREFIX = "ask_"
# The intents the model may turn a message into: a care question; the others keep the classifier's intent.
UNPLACED_INTENTS = ("nlu_fallback", "out_of_scope")
# What a care question answered on another topic costs, against one answered on its topic instead of the rephrase
# prompt: a wrong answer misleads, the rephrase prompt only asks again (with the clinic's number).
WRONG_TOPIC_COST = 2.0
THRESHOLD_GRID = tuple(round(0.05 * step, 2) for step in range(4, 19))


@dataclass(frozen=True)
class TopicGuess:
    """The model's most probable intent for a message and its probability."""

    intent: str
    probability: float


def topic_examples(nlu_examples: Iterable[tuple[str, str]], corpus: Iterable[LabelledMessage]) -> list[LabelledMessage]:
    """The training messages, the intent as the label: NLU examples, and the corpus's calm messages with an intent.

    A corpus message that reports a sign now is left out: the escalation model and the lexicon decide those.
    """
    examples = [
        LabelledMessage(text, intent, NLU_WRITER)
        for text, intent in nlu_examples
        if text.strip() and not text.startswith("/") and intent
    ]
    examples += [
        LabelledMessage(message.text, message.intent, message.writer, message.kind)
        for message in corpus
        if message.intent and message.label == NONE and message.intent not in REPORT_INTENTS
    ]
    return examples


class TopicModel:
    """A trained model: the most probable intent of any text."""

    def __init__(self, pipeline: Pipeline) -> None:
        """Wraps a fitted scikit-learn pipeline whose classes are intents."""
        self._pipeline = pipeline

    def predict(self, texts: Iterable[str]) -> list[TopicGuess]:
        """The model's most probable intent for each text."""
        texts = list(texts)
        if not texts:
            return []
        classes = list(self._pipeline.classes_)
        return [TopicGuess(classes[int(row.argmax())], float(row.max())) for row in self._pipeline.predict_proba(texts)]

    def save(self, directory: Path) -> None:
        """Writes the model into `directory`."""
        joblib.dump(self._pipeline, directory / MODEL_FILE)

    @classmethod
    def load(cls, directory: Path) -> TopicModel:
        """Reads a model `save` wrote (a file this project trained: joblib runs what the file holds)."""
        return cls(joblib.load(directory / MODEL_FILE))


def train_topic_model(examples: Sequence[LabelledMessage], settings: ModelSettings = DEFAULT_SETTINGS) -> TopicModel:
    """Trains on the examples (their `label` is the intent) and their noisy copies."""
    training = augmented(examples, settings)
    # A logistic loss fitted by stochastic gradient descent: as accurate as LogisticRegression here (83.2% against
    # 82.6% of the corpus's calm messages by writer) and ten times faster to train over some fifty intents (4 s).
    classifier = SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=20, tol=None, random_state=settings.seed)
    pipeline = Pipeline([("features", text_features(settings)), ("classifier", classifier)])
    pipeline.fit([message.text for message in training], [message.label for message in training])
    return TopicModel(pipeline)


def placed_intent(intent: str | None, guess: TopicGuess, threshold: float) -> str | None:
    """The care question a message the classifier could not place asks, when the model is sure enough; else None."""
    if intent not in UNPLACED_INTENTS or not guess.intent.startswith(CARE_QUESTION_PREFIX):
        return None
    return guess.intent if guess.probability >= threshold else None


def cross_validate_topics(
    examples: Sequence[LabelledMessage], settings: ModelSettings = DEFAULT_SETTINGS
) -> list[tuple[LabelledMessage, TopicGuess]]:
    """Each corpus writer's examples predicted by a model of the NLU examples and the other writers' examples."""
    writers = sorted({example.writer for example in examples} - {NLU_WRITER})
    results = []
    for writer in writers:
        model = train_topic_model([example for example in examples if example.writer != writer], settings)
        held = [example for example in examples if example.writer == writer]
        results += list(zip(held, model.predict(example.text for example in held), strict=True))
    return results


@dataclass(frozen=True)
class ThresholdFigures:
    """What a threshold does to the messages the classifier could not place."""

    threshold: float
    unplaced: int  # messages the classifier left as fallback or not covered
    placed_right: int  # ... that the model turned into their own care question
    placed_wrong: int  # ... that the model turned into another care question

    @property
    def gain(self) -> float:
        """Questions answered on their topic, less WRONG_TOPIC_COST for each answered on another."""
        return self.placed_right - WRONG_TOPIC_COST * self.placed_wrong


def threshold_figures(
    expected: Sequence[str], classifier: Sequence[str | None], guesses: Sequence[TopicGuess], threshold: float
) -> ThresholdFigures:
    """The figures of one threshold: expected intents, the classifier's intents and the model's guesses."""
    placed = [
        (want, placed_intent(got, guess, threshold))
        for want, got, guess in zip(expected, classifier, guesses, strict=True)
        if got in UNPLACED_INTENTS
    ]
    return ThresholdFigures(
        threshold,
        len(placed),
        sum(intent == want for want, intent in placed),
        sum(intent is not None and intent != want for want, intent in placed),
    )


def choose_threshold(
    expected: Sequence[str], classifier: Sequence[str | None], guesses: Sequence[TopicGuess]
) -> ThresholdFigures:
    """The threshold of most gain on the grid (the higher among equals: fewer messages placed)."""
    candidates = [threshold_figures(expected, classifier, guesses, threshold) for threshold in THRESHOLD_GRID]
    return max(candidates, key=lambda figures: (figures.gain, figures.threshold))

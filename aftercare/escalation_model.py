"""A learned escalation model: a present emergency, a present warning sign, or nothing to act on now.

Trained on a labelled corpus written by people who never saw the lexicon (corpus/escalation/*.yml: `text` and
`escalation`: emergency | injector | none), with no pretrained weights: TF-IDF over word 1-2-grams and character
2-5-grams inside word boundaries (which read typos and unseen spellings), then a logistic regression whose class
weights balance the three labels. Each training message also gets a copy with seeded typos, so "brething" and
"swolen" are read like the words they misspell.

The evaluation that matters is on new writers: `cross_validate` holds out one writer's files at a time, and gives
the out-of-fold predictions from which aftercare/escalation_rule.py chooses its thresholds.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from aftercare.escalation import EMERGENCY, EMERGENCY_INTENT, INJECTOR, WARNING_INTENT
from aftercare.yaml_files import ConfigError, read_yaml_mapping

NONE = "none"
LABELS = (EMERGENCY, INJECTOR, NONE)
MODEL_FILE = "escalation_model.joblib"
# Neighbouring keys on a QWERTY keyboard, for the substitution typo.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class LabelledMessage:
    """One corpus message: its text, its escalation label, the writer (the file's prefix) and the kind of message."""

    text: str
    label: str
    writer: str
    kind: str = "other"  # the writer's `kind`: present, uncertain, negated, resolved, past, normal, question...
    intent: str | None = None  # the writer's `intent`: what the message asks or reports (ask_makeup...)


@dataclass(frozen=True)
class ModelSettings:
    """How the model is trained; the defaults are the configuration cross-validation chose."""

    regularisation: float = 10.0  # logistic regression's C: larger trusts the training data more
    min_char_count: int = 2  # a character n-gram seen in fewer messages is left out
    typo_copies: int = 1  # noisy copies of each training message
    typo_rate: float = 0.15  # chance that a word of 4 letters or more gets one typo
    seed: int = 42


DEFAULT_SETTINGS = ModelSettings()


@dataclass(frozen=True)
class Prediction:
    """The model's probability for each label."""

    emergency: float
    injector: float
    none: float

    @property
    def label(self) -> str:
        """The most probable label."""
        return max(LABELS, key=self.probability)

    @property
    def escalation(self) -> float:
        """The probability that the message reports something to act on now (either level)."""
        return self.emergency + self.injector

    def probability(self, label: str) -> float:
        """The probability of one label."""
        return {EMERGENCY: self.emergency, INJECTOR: self.injector, NONE: self.none}[label]


def read_corpus(folder: Path) -> list[LabelledMessage]:
    """Every message of every `*.yml` file in `folder`, in file-name order; the writer is the name's first part.

    Raises ConfigError naming the file, the message and the problem when a file does not have the corpus format,
    and when the folder holds no message at all.
    """
    messages = []
    for path in sorted(folder.glob("*.yml")):
        entries = read_yaml_mapping(path).get("messages")
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: expected a `messages` list")
        writer = path.name.split("_", 1)[0]
        for number, entry in enumerate(entries, start=1):
            text = entry.get("text") if isinstance(entry, dict) else None
            label = entry.get("escalation") if isinstance(entry, dict) else None
            if not isinstance(text, str) or not text.strip() or label not in LABELS:
                raise ConfigError(f"{path}: message {number} needs a `text` and `escalation` one of {LABELS}")
            intent = entry.get("intent") if isinstance(entry.get("intent"), str) else None
            messages.append(LabelledMessage(text, label, writer, str(entry.get("kind") or "other"), intent))
    if not messages:
        raise ConfigError(f"{folder}: no corpus file (*.yml) with messages")
    return messages


# The intents of the NLU training data that report a sign now, by escalation label; every other intent is calm.
REPORT_LABELS = {EMERGENCY_INTENT: EMERGENCY, WARNING_INTENT: INJECTOR}
NLU_WRITER = "nlu"


def labelled_intent_examples(examples: Iterable[tuple[str, str]]) -> list[LabelledMessage]:
    """The NLU training examples (text, intent) as labelled messages: a report intent's label, else none.

    They teach the model the assistant's own everyday messages ("and scrubs?", "it's been 48 hours"), which the
    corpus writers wrote few of, so that it does not alarm on them.
    """
    return [
        LabelledMessage(text, REPORT_LABELS.get(intent, NONE), NLU_WRITER, "nlu")
        for text, intent in examples
        if text.strip() and not text.startswith("/")
    ]


def with_typo(word: str, rng: random.Random) -> str:
    """The word with one typo: a letter dropped, doubled, swapped with the next, or replaced by a neighbour key."""
    position = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:position] + word[position + 1 :]
    if kind == 1:
        return word[: position + 1] + word[position:]
    if kind == 2:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + neighbour_key(word[position], rng) + word[position + 1 :]


def neighbour_key(letter: str, rng: random.Random) -> str:
    """A key next to `letter` on the same keyboard row, or the letter itself when it is not a letter key."""
    for row in KEYBOARD_ROWS:
        index = row.find(letter.lower())
        if index >= 0:
            return rng.choice([row[i] for i in (index - 1, index + 1) if 0 <= i < len(row)])
    return letter


def noisy(text: str, rate: float, rng: random.Random) -> str:
    """The text with a typo in each word of four letters or more, with probability `rate` per word."""
    words = text.split(" ")
    return " ".join(
        with_typo(word, rng) if len(word) >= 4 and word[0] in string.ascii_letters and rng.random() < rate else word
        for word in words
    )


def augmented(messages: Sequence[LabelledMessage], settings: ModelSettings) -> list[LabelledMessage]:
    """The messages followed by `typo_copies` noisy copies of each; the same settings give the same copies."""
    rng = random.Random(settings.seed)
    copies = [
        replace(message, text=noisy(message.text, settings.typo_rate, rng))
        for _ in range(settings.typo_copies)
        for message in messages
    ]
    return [*messages, *copies]


class EscalationModel:
    """A trained model: probabilities of the three labels for any text."""

    def __init__(self, pipeline: Pipeline) -> None:
        """Wraps a fitted scikit-learn pipeline whose classes are LABELS."""
        self._pipeline = pipeline

    def predict(self, texts: Iterable[str]) -> list[Prediction]:
        """The model's prediction for each text."""
        texts = list(texts)
        if not texts:
            return []
        classes = list(self._pipeline.classes_)
        rows = self._pipeline.predict_proba(texts)
        return [Prediction(*(float(row[classes.index(label)]) for label in LABELS)) for row in rows]

    def save(self, directory: Path) -> None:
        """Writes the model into `directory`."""
        joblib.dump(self._pipeline, directory / MODEL_FILE)

    @classmethod
    def load(cls, directory: Path) -> EscalationModel:
        """Reads a model `save` wrote (a file this project trained: joblib runs what the file holds)."""
        return cls(joblib.load(directory / MODEL_FILE))


def text_features(settings: ModelSettings = DEFAULT_SETTINGS) -> FeatureUnion:
    """TF-IDF over word 1-2-grams and character 2-5-grams inside word boundaries (which read typos)."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
            (
                "characters",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=settings.min_char_count
                ),
            ),
        ]
    )


def train_model(messages: Sequence[LabelledMessage], settings: ModelSettings = DEFAULT_SETTINGS) -> EscalationModel:
    """Trains on the messages and their noisy copies."""
    training = augmented(messages, settings)
    classifier = LogisticRegression(C=settings.regularisation, class_weight="balanced", max_iter=3000)
    pipeline = Pipeline([("features", text_features(settings)), ("classifier", classifier)])
    pipeline.fit([message.text for message in training], [message.label for message in training])
    return EscalationModel(pipeline)


def cross_validate(messages: Sequence[LabelledMessage], settings: ModelSettings = DEFAULT_SETTINGS) -> list[Prediction]:
    """Out-of-fold predictions, one per message: each writer's messages are predicted by a model trained on the others'.

    A model is judged on people it never read, as it will be on patients. With a single writer, five folds by
    position instead.
    """
    writers = sorted({message.writer for message in messages})
    folds = writers if len(writers) > 1 else list(range(5))

    def fold_of(index: int) -> str | int:
        return messages[index].writer if len(writers) > 1 else index % 5

    predictions: list[Prediction | None] = [None] * len(messages)
    for fold in folds:
        held = [i for i in range(len(messages)) if fold_of(i) == fold]
        model = train_model([messages[i] for i in range(len(messages)) if fold_of(i) != fold], settings)
        for index, prediction in zip(held, model.predict(messages[i].text for i in held), strict=True):
            predictions[index] = prediction
    return [prediction for prediction in predictions if prediction is not None]

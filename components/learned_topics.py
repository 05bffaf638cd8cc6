"""Rasa adapter for the learned topic model (aftercare/topic_model.py): a care question the classifier could not place.

Trained from the NLU examples and the escalation corpus's calm messages (read at training time only: the model is
kept in Rasa's model storage). At run time, after the coverage gate and before the unknown-words gate, a message
the classifier left as `nlu_fallback` or `out_of_scope` becomes the care question the model finds most probable,
when its probability reaches the threshold (chosen by cross-validation on the corpus:
`python -m scripts.topic_cross_validation`). The model's guess and the intent before it go into the parse data
under `topic_model`.
Every other intent is left as it is: a warning sign still escalates whatever this component does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.constants import PREDICTED_CONFIDENCE_KEY as CONFIDENCE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.escalation_model import read_corpus
from aftercare.topic_model import TopicModel, placed_intent, topic_examples, train_topic_model
from components.config_files import load_or_refuse
from components.learned_escalation import corpus_folder

PARSE_KEY = "topic_model"
# Changed with how the component trains, so that `rasa train` retrains it (Rasa's cache does not see code).
TRAINING_VERSION = "1: NLU examples and the corpus's calm messages"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LearnedTopics(GraphComponent):
    """Turns a message the classifier could not place into the care question the learned model is sure of."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The labelled corpus, relative to the directory Rasa trains in or else the repository root.
            "corpus_folder": "corpus/escalation",
            # Chosen by cross-validation on the corpus (python -m scripts.topic_cross_validation): of 615 calm corpus
            # messages the classifier left unplaced, 0.4 answers 282 on their topic and 62 on another.
            "threshold": 0.4,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: TopicModel | None
    ) -> None:
        """Creates the component; without a model (not trained yet) it changes nothing."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LearnedTopics:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource, None)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The corpus files' names and contents: a corpus change retrains the component, not only a config change."""
        folder = corpus_folder({**cls.get_default_config(), **config}["corpus_folder"])
        digest = hashlib.sha256(TRAINING_VERSION.encode("utf-8"))
        for path in sorted(folder.glob("*.yml")):
            digest.update(path.name.encode("utf-8"))
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        """Trains the model on the NLU examples and the corpus, and keeps it in the model storage."""
        corpus = load_or_refuse("escalation corpus", read_corpus, corpus_folder(self._config["corpus_folder"]))
        examples = [(example.get(TEXT) or "", example.get(INTENT) or "") for example in training_data.intent_examples]
        self._model = train_topic_model(topic_examples(examples, corpus))
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LearnedTopics:
        """Loads the model kept at training time."""
        with model_storage.read_from(resource) as directory:
            model = TopicModel.load(directory)
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        """Places each message the classifier could not (see the module docstring)."""
        if self._model is None:
            return messages
        for message, guess in zip(messages, self._model.predict(m.get(TEXT) or "" for m in messages), strict=True):
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            reading = {"intent": guess.intent, "confidence": round(guess.probability, 4), "intent_before": intent}
            message.set(PARSE_KEY, reading, add_to_output=True)
            placed = placed_intent(intent, guess, self._config["threshold"])
            if placed is not None:
                message.set(INTENT, {INTENT_NAME_KEY: placed, CONFIDENCE: guess.probability}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data

"""Rasa adapter for aftercare/vocabulary.py: a message with no word the training data holds asks to rephrase.

Trained with the NLU data: it keeps the training examples' words in the model. At run time, after the coverage gate
and before the warning-sign detector (which still escalates any sign it reads, typos included), a message none of
whose words is known, and in which no extractor read a topic or a time, becomes `nlu_fallback`: the patient is
asked to rephrase and given the clinic's number instead of the answer to a topic the classifier picked for
"xqzv blorp". The intent ranking is left as it was.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.vocabulary import KnownWords, all_words_unknown, known_words, vocabulary

VOCABULARY_FILE = "vocabulary.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class UnknownWordsGate(GraphComponent):
    """Turns the classifier's guess for a message of unknown words only into `nlu_fallback`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {"fallback_intent": "nlu_fallback"}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, known: KnownWords
    ) -> None:
        """Creates the gate with the words of the training data."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._known = known

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsGate:
        """Creates an untrained gate, which judges nothing until it has words."""
        return cls(config, model_storage, resource, known_words([]))

    def train(self, training_data: TrainingData) -> Resource:
        """Keeps the words of every NLU training example in the model."""
        words = vocabulary(example.get(TEXT) or "" for example in training_data.intent_examples)
        self._known = known_words(words)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(words)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsGate:
        """Loads the words kept at training time."""
        with model_storage.read_from(resource) as directory:
            known = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, known_words(known))

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets `nlu_fallback` on a message of unknown words only (see the module docstring)."""
        for message in messages:
            # A topic word or a procedure time the rule-based extractors read is understood, whatever the vocabulary.
            if not message.get(ENTITIES) and all_words_unknown(message.get(TEXT) or "", self._known):
                confidence = (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY)
                intent = {INTENT_NAME_KEY: self._config["fallback_intent"], PREDICTED_CONFIDENCE_KEY: confidence}
                message.set(INTENT, intent, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data

"""Rasa adapter for the learned topic model (aftercare/topic_model.py): a care question the classifier could not place.

Trained from the NLU examples and the escalation corpus's calm messages (read at training time only: the model is
kept in Rasa's model storage). At run time, after the coverage gate and before the unknown-words gate, a message
the classifier left as `nlu_fallback` or `out_of_scope` becomes the care question the model finds most probable,
when its probability reaches the threshold (chosen by cross-validation on the corpus:
`python -m scripts.topic_cross_validation`). For those messages only, the model's guess and the intent before it go
into the parse data under `topic_model`.
Every other intent is left as it is: a warning sign still escalates whatever this component does.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.constants import PREDICTED_CONFIDENCE_KEY as CONFIDENCE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.topic_model import UNPLACED_INTENTS, TopicModel, placed_intent, topic_examples, train_topic_model
from components.corpus_component import CorpusComponent

PARSE_KEY = "topic_model"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LearnedTopics(CorpusComponent):
    """Turns a message the classifier could not place into the care question the learned model is sure of."""

    TRAINING_VERSION = "2: NLU examples and the corpus's calm messages, stochastic gradient descent"
    MODEL = TopicModel

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            **CorpusComponent.get_default_config(),
            # Chosen by cross-validation on the corpus (python -m scripts.topic_cross_validation): of 615 calm corpus
            # messages the classifier left unplaced, 0.55 answers 242 on their topic and 45 on another.
            "threshold": 0.55,
        }

    def train(self, training_data: TrainingData) -> Resource:
        """Trains the model on the NLU examples and the corpus, and keeps it in the model storage."""
        return self.keep(train_topic_model(topic_examples(self.nlu_examples(training_data), self.read_corpus())))

    def process(self, messages: list[Message]) -> list[Message]:
        """Places each message the classifier could not (see the module docstring); the others are not read."""
        if self._model is None:
            return messages
        unplaced = [m for m in messages if (m.get(INTENT) or {}).get(INTENT_NAME_KEY) in UNPLACED_INTENTS]
        for message, guess in zip(unplaced, self._model.predict(m.get(TEXT) or "" for m in unplaced), strict=True):
            intent = message.get(INTENT)[INTENT_NAME_KEY]
            reading = {"intent": guess.intent, "confidence": round(guess.probability, 4), "intent_before": intent}
            message.set(PARSE_KEY, reading, add_to_output=True)
            placed = placed_intent(intent, guess, self._config["threshold"])
            if placed is not None:
                message.set(INTENT, {INTENT_NAME_KEY: placed, CONFIDENCE: guess.probability}, add_to_output=True)
        return messages

"""Rasa adapter for the topic finder (aftercare/topics.py): every care topic a message names.

Each topic named becomes a `topic` entity, so the answer covers every question of a message
("can I use moisturiser and go to the gym today?"). A message that names only topics ("and sunscreen?",
"what about swimming") is a follow-up: its intent becomes `ask_<first topic>`, whatever the classifier
guessed, so it is answered with the procedure time already known; so is a message the classifier was unsure
of (`nlu_fallback`) that names topics ("is it ok to use moisturiser and sunscreen today?"). Placed before
the WarningSignDetector, which still overrides the intent when the message reports a warning sign.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.topics import DEFAULT_TOPICS_PATH, TopicWords, find_topics, is_topic_only, load_topic_words
from components.config_files import load_or_refuse
from components.entities import rule_entity

ENTITY_NAME = "topic"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class TopicDetector(GraphComponent, EntityExtractorMixin):
    """Marks the care topics a message names and answers a topic-only follow-up as a question."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {"topics_file": str(DEFAULT_TOPICS_PATH)}

    def __init__(self, config: dict[str, Any], words: TopicWords) -> None:
        """Creates the detector with its configuration and compiled topic words."""
        self._config = config
        self._words = words

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicDetector:
        """Creates a new component; InvalidConfigException naming the file when it is missing or invalid."""
        config = {**cls.get_default_config(), **config}
        return cls(config, load_or_refuse("topics file", load_topic_words, config["topics_file"]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds a `topic` entity per topic named; a topic-only message becomes a question about its topic."""
        for message in messages:
            text = message.get(TEXT) or ""
            mentions = find_topics(text, self._words)
            entities = self.add_extractor_name(
                [rule_entity(ENTITY_NAME, mention.topic, mention.start, mention.end) for mention in mentions]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            unsure = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == "nlu_fallback"
            if mentions and (unsure or is_topic_only(text, mentions, self._words)):
                intent = {INTENT_NAME_KEY: f"ask_{mentions[0].topic}", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is: the detector learns nothing."""
        return training_data

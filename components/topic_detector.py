"""Rasa adapter for the topic finder (aftercare/topics.py): every care topic a message names.

Each topic named becomes a `topic` entity, so the answer covers every question of a message
("can I use moisturiser and go to the gym today?"). A message that names only topics ("and sunscreen?",
"what about swimming") is a follow-up: its intent becomes `ask_<first topic>`, whatever the classifier
guessed, so it is answered with the procedure time already known; so is a message the classifier was unsure
of (`nlu_fallback`) that names topics ("is it ok to use moisturiser and sunscreen today?"). Placed before
the WarningSignDetector, which still overrides the intent when the message reports a warning sign.

The topic words (content/topic_words.yml) are kept in the trained model (components/rule_component.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from aftercare.topics import TopicWords, find_topics, is_topic_only, load_topic_words
from components.config_files import load_or_refuse
from components.entities import rule_entity
from components.rule_component import RuleComponent, content_path

ENTITY_NAME = "topic"
TOPICS = "topic_words.yml"  # its name in the model


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class TopicDetector(RuleComponent[TopicWords], EntityExtractorMixin):
    """Marks the care topics a message names and answers a topic-only follow-up as a question."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        # Read from the directory Rasa trains in or else the repository root.
        return {"topics_file": "content/topic_words.yml"}

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """The topic words (see the parent class)."""
        return {TOPICS: content_path(config["topics_file"])}

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> TopicWords:
        """Compiles the topic words; InvalidConfigException naming the file when it is missing or invalid."""
        return load_or_refuse("topics file", lambda: load_topic_words(files[TOPICS]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds a `topic` entity per topic named; a topic-only message becomes a question about its topic."""
        for message in messages:
            text = message.get(TEXT) or ""
            mentions = find_topics(text, self._rules)
            entities = self.add_extractor_name(
                [rule_entity(ENTITY_NAME, mention.topic, mention.start, mention.end) for mention in mentions]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            unsure = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == "nlu_fallback"
            if mentions and (unsure or is_topic_only(text, mentions, self._rules)):
                intent = {INTENT_NAME_KEY: f"ask_{mentions[0].topic}", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
        return messages

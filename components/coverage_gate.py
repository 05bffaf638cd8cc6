"""Rasa adapter for aftercare/coverage.py: a care-topic guess the guide does not back up is not answered as one.

After the TopicDetector (whose `topic` entities it reads) and before the WarningSignDetector, which still
overrides the intent when the message reports a warning sign. A guess `ask_<topic>` below its topic's threshold
(content/topic_confidence.yml) in a message that names no topic word becomes `out_of_scope` (answered "the care
guide doesn't cover that", with the clinic's number); one that names another topic becomes that topic's question,
and so does a fallback or `out_of_scope` guess in a message that names a topic.
The intent ranking is left as the classifier produced it. The thresholds are kept in the trained model
(components/rule_component.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from aftercare.coverage import CoverageThresholds, covered_intent, load_thresholds
from components.config_files import load_or_refuse
from components.rule_component import RuleComponent, content_path
from components.topic_detector import ENTITY_NAME as TOPIC_ENTITY

THRESHOLDS = "topic_confidence.yml"  # its name in the model


# Registered as an entity extractor, like the detectors: Rasa runs it in pipeline order after the classifier.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class CoverageGate(RuleComponent[CoverageThresholds]):
    """Turns an unsure care-topic guess into the topic the message names, or into `out_of_scope`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        # Read from the directory Rasa trains in or else the repository root.
        return {"thresholds_file": "content/topic_confidence.yml"}

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """The per-topic confidence thresholds (see the parent class)."""
        return {THRESHOLDS: content_path(config["thresholds_file"])}

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> CoverageThresholds:
        """Reads the thresholds; InvalidConfigException naming the file when it is missing or invalid."""
        return load_or_refuse("coverage thresholds file", lambda: load_thresholds(files[THRESHOLDS]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces an unsure care-topic guess (see the module docstring)."""
        for message in messages:
            intent = message.get(INTENT) or {}
            named = [e.get("value") for e in message.get(ENTITIES) or [] if e.get("entity") == TOPIC_ENTITY]
            replacement = covered_intent(
                intent.get(INTENT_NAME_KEY) or "",
                float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
                [str(name) for name in named],
                self._rules,
            )
            if replacement is not None:
                confidence = intent.get(PREDICTED_CONFIDENCE_KEY)
                message.set(INTENT, {INTENT_NAME_KEY: replacement, PREDICTED_CONFIDENCE_KEY: confidence}, True)
        return messages

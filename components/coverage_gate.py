"""Rasa adapter for aftercare/coverage.py: a care-topic guess the guide does not back up is not answered as one.

After the TopicDetector (whose `topic` entities it reads) and before the WarningSignDetector, which still
overrides the intent when the message reports a warning sign. A guess `ask_<topic>` below its topic's threshold
(aftercare/coverage.yml) in a message that names no topic word becomes `out_of_scope` (answered "the care guide
doesn't cover that", with the clinic's number); one that names another topic becomes that topic's question.
The intent ranking is left as the classifier produced it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.coverage import DEFAULT_THRESHOLDS_PATH, CoverageThresholds, covered_intent, load_thresholds
from components.config_files import load_or_refuse
from components.topic_detector import ENTITY_NAME as TOPIC_ENTITY


# Registered as an entity extractor, like the detectors: Rasa runs it in pipeline order after the classifier.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CoverageGate(GraphComponent):
    """Turns an unsure care-topic guess into the topic the message names, or into `out_of_scope`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {"thresholds_file": str(DEFAULT_THRESHOLDS_PATH)}

    def __init__(self, thresholds: CoverageThresholds) -> None:
        """Creates the gate with its per-topic thresholds."""
        self._thresholds = thresholds

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CoverageGate:
        """Creates the gate; InvalidConfigException naming the file when it is missing or invalid."""
        config = {**cls.get_default_config(), **config}
        return cls(load_or_refuse("coverage thresholds file", load_thresholds, config["thresholds_file"]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces an unsure care-topic guess (see the module docstring)."""
        for message in messages:
            intent = message.get(INTENT) or {}
            named = [e.get("value") for e in message.get(ENTITIES) or [] if e.get("entity") == TOPIC_ENTITY]
            replacement = covered_intent(
                intent.get(INTENT_NAME_KEY) or "",
                float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
                [str(name) for name in named],
                self._thresholds,
            )
            if replacement is not None:
                confidence = intent.get(PREDICTED_CONFIDENCE_KEY)
                message.set(INTENT, {INTENT_NAME_KEY: replacement, PREDICTED_CONFIDENCE_KEY: confidence}, True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is: the gate learns nothing."""
        return training_data

"""Rasa adapter for other languages (aftercare/languages/): marks a message's language and its signs.

Placed after WarningSignDetector, so it sees the English detector's signs and the intent it set, and only ever
raises an escalation (aftercare.languages.language_intent): a message in a supported language (Spanish) gets its
code under the parse data's `language` key (kept in the tracker's `latest_message` for the actions; not an entity,
which would need a span); the signs its own lexicon finds become `warning_sign` entities and escalate; without a sign it
becomes `other_language`, answered in that language with the clinic's numbers (actions/languages.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.languages import LANGUAGE_KEY, Intents, Language, language_intent, load_languages, read_message
from aftercare.languages.detection import ENGLISH, preload
from components.config_files import load_or_refuse
from components.warning_sign_detector import ENTITY_NAME as SIGN_ENTITY
from components.warning_sign_detector import sign_entity


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Marks a message written in a supported language, escalates its signs, else sets `other_language`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            "emergency_intent": "report_emergency",
            "warning_intent": "report_warning_sign",
            # A message in a supported language without a sign: answered in it (actions/languages.py).
            "other_language_intent": "other_language",
            # The classifier's `other_language` guess for a message the detector reads as English.
            "fallback_intent": "nlu_fallback",
        }

    def __init__(self, config: dict[str, Any], languages: Mapping[str, Language]) -> None:
        """Creates the component with its configuration and the languages' texts and lexicons."""
        self._intents = Intents(
            emergency=config["emergency_intent"],
            warning=config["warning_intent"],
            other_language=config["other_language_intent"],
            fallback=config["fallback_intent"],
        )
        self._languages = languages

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates a new component (see parent class for full docstring); refuses invalid language files."""
        languages = load_or_refuse("language files", load_languages)
        preload(languages)
        return cls({**cls.get_default_config(), **config}, languages)

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the `language` key and the language's signs, and sets the intent (see the module docstring)."""
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES, [])
            english_signs = any(entity.get("entity") == SIGN_ENTITY for entity in entities)
            reading = read_message(text, self._languages)
            added = [sign_entity(sign) for sign in reading.signs]
            if reading.code != ENGLISH:
                message.set(LANGUAGE_KEY, reading.code, add_to_output=True)
            if added:
                message.set(ENTITIES, entities + self.add_extractor_name(added), add_to_output=True)
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            intent = language_intent(predicted, reading, english_signs, self._intents)
            if intent is not None:
                message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is: the component learns nothing."""
        return training_data

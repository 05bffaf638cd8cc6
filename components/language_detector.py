"""Rasa adapter for other languages (aftercare/languages/, content/<code>/): marks a message's language and its signs.

Placed after WarningSignDetector, so it sees the English detector's signs and the intent it set, and only ever
raises an escalation (aftercare.languages.language_intent): a message in a supported language (Spanish) gets its
code under the parse data's `language` key (kept in the tracker's `latest_message` for the actions; not an entity,
which would need a span); the signs its own lexicon finds become `warning_sign` entities and escalate; without a sign it
becomes `other_language`, answered in that language with the clinic's numbers (actions/languages.py).

The language folders and the English lexicon are kept in the trained model (components/rule_component.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from aftercare.languages import (
    LANGUAGE_KEY,
    TEXTS_FILE,
    Intents,
    Language,
    language_files,
    language_intent,
    load_language,
    read_message,
)
from aftercare.languages.detection import ENGLISH, preload
from aftercare.warning_signs import Lexicon, load_lexicon
from components.config_files import load_or_refuse
from components.rule_component import RuleComponent, content_path
from components.warning_sign_detector import ENTITY_NAME as SIGN_ENTITY
from components.warning_sign_detector import MENTIONS_KEY, sign_entity

LANGUAGES, ENGLISH_LEXICON = "languages", "warning_signs.yml"  # their names in the model
TEXTS = f"/{TEXTS_FILE}"


@dataclass(frozen=True)
class LanguageRules:
    """The languages' texts and lexicons, and the English lexicon that keeps an English message English."""

    languages: Mapping[str, Language]
    english: Lexicon


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDetector(RuleComponent[LanguageRules], EntityExtractorMixin):
    """Marks a message written in a supported language, escalates its signs, else sets `other_language`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Every language's folder in it (content/es/: texts.yml and its lexicon) but English's, and the English
            # lexicon; read from the directory Rasa trains in or else the repository root.
            "languages_folder": "content",
            "english_lexicon_file": "content/warning_signs.yml",
            "emergency_intent": "report_emergency",
            "warning_intent": "report_warning_sign",
            # A message in a supported language without a sign: answered in it (actions/languages.py).
            "other_language_intent": "other_language",
            # The classifier's `other_language` guess for a message the detector reads as English.
            "fallback_intent": "nlu_fallback",
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, rules: LanguageRules
    ) -> None:
        """Creates the component with its configuration and the languages' texts and lexicons."""
        super().__init__(config, model_storage, resource, rules)
        self._intents = Intents(
            emergency=config["emergency_intent"],
            warning=config["warning_intent"],
            other_language=config["other_language_intent"],
            fallback=config["fallback_intent"],
        )

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """Every file of every language's folder, and the English lexicon (see the parent class)."""
        folders = [texts.parent for texts in language_files(content_path(config["languages_folder"]))]
        files = {
            f"{LANGUAGES}/{folder.name}/{file.name}": file
            for folder in folders
            for file in sorted(folder.iterdir())
            if file.is_file()
        }
        return {**files, ENGLISH_LEXICON: content_path(config["english_lexicon_file"])}

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> LanguageRules:
        """Reads the languages and the English lexicon; InvalidConfigException naming an invalid file."""
        english = load_or_refuse("warning-sign lexicon", lambda: load_lexicon(files[ENGLISH_LEXICON]))
        texts = [path for name, path in sorted(files.items()) if name.startswith(LANGUAGES) and name.endswith(TEXTS)]
        languages = load_or_refuse("language files", lambda: {lang.code: lang for lang in map(load_language, texts)})
        preload(languages)
        return LanguageRules(languages, english)

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the `language` key and the language's signs, and sets the intent (see the module docstring)."""
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES, [])
            english_signs = any(entity.get("entity") == SIGN_ENTITY for entity in entities)
            # The warning-sign detector before this component keeps the English lexicon's mentions in the message.
            mentions = message.get(MENTIONS_KEY)
            english_mentioned = None if mentions is None else bool(mentions)
            reading = read_message(text, self._rules.languages, self._rules.english, english_mentioned)
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

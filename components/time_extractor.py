"""Rasa adapter: tags when the procedure happened as a `procedure_time` entity (a UTC timestamp).

A procedure time that cannot be right (in the future, or longer ago than aftercare/timestamps.py allows) becomes an
`implausible_time` entity instead, so it never fills the slot and the answer explains why it is asked again; a time
ahead standing alone ("in 3 days") becomes `time_ahead`. A time that is not about the procedure but says since when
a symptom has lasted ("bleeding since this morning") becomes a `symptom_onset` entity, which the care guide may use
to escalate.

The reading itself is aftercare/procedure_time/ (spaCy Matcher rules over a blank English
pipeline, with its own tokenizer); this component only picks the reference time and time zone for
each message and adds the entity. Configure it in config.yml:

    - name: components.time_extractor.ProcedureTimeExtractor
      clinic_file: clinic.yml                            # timezone and date_order; default: CLINIC_FILE
      expressions_file: aftercare/procedure_time/vocabulary.yml  # the words it understands

Both paths are relative to the directory the assistant runs in; the files are read when the model
is loaded, so edit them and restart.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.clinic import Clinic, clinic_file, load_clinic
from aftercare.procedure_time import (
    TimeMention,
    TimePatterns,
    find_procedure_time,
    find_symptom_onset,
    find_time_ahead,
    load_time_patterns,
)
from aftercare.timestamps import UTC, format_timestamp, is_valid_timezone, plausibility_problem, reference_now
from components.config_files import load_or_refuse
from components.entities import rule_entity

logger = logging.getLogger(__name__)

ENTITY_NAME = "procedure_time"
ONSET_ENTITY_NAME = "symptom_onset"
IMPLAUSIBLE_ENTITY_NAME = "implausible_time"  # a procedure time in the future or too long ago
AHEAD_ENTITY_NAME = "time_ahead"  # "in 3 days", read as an answer to the time question only (aftercare/turn.py)
METADATA_TIMEZONE_KEY = "timezone"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ProcedureTimeExtractor(GraphComponent, EntityExtractorMixin):
    """Adds one `procedure_time` entity when a message says when the procedure happened."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The clinic's details, whose `timezone` and `date_order` are used here. By default the servers'
            # own: CLINIC_FILE, else clinic.yml.
            "clinic_file": None,
            # The words for times the extractor understands.
            "expressions_file": "aftercare/procedure_time/vocabulary.yml",
        }

    def __init__(
        self,
        config: dict[str, Any],
        clinic: Clinic,
        patterns: TimePatterns,
    ) -> None:
        """Creates the extractor from its config, the clinic's settings and the vocabulary."""
        self._config = config
        self._clinic = clinic
        self._patterns = patterns

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProcedureTimeExtractor:
        """Reads the clinic file and the vocabulary; raises InvalidConfigException when wrong."""
        config = {**cls.get_default_config(), **config}
        clinic = load_or_refuse("clinic file", load_clinic, config["clinic_file"] or clinic_file())
        patterns = load_or_refuse("time vocabulary", load_time_patterns, config["expressions_file"])
        return cls(config, clinic, patterns)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data unchanged: the extractor learns nothing from it."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds a `procedure_time` entity to each message that says when the procedure was."""
        for message in messages:
            entities = self.add_extractor_name(self._extract(message))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def _extract(self, message: Message) -> list[dict[str, Any]]:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return []
        try:
            arguments = {
                "now": self._reference_time(message),
                "timezone": self._timezone(message),
                "date_order": self._clinic.date_order,
                "patterns": self._patterns,
            }
            mentions = [
                (name, find(text, **arguments))
                for name, find in (
                    (ENTITY_NAME, find_procedure_time),
                    (ONSET_ENTITY_NAME, find_symptom_onset),
                    (AHEAD_ENTITY_NAME, find_time_ahead),
                )
            ]
        except Exception:  # noqa: BLE001 - an odd message must never break the pipeline
            logger.exception("Could not read a procedure time; no entity added.")
            return []
        entities = []
        for name, mention in mentions:
            if mention is None:
                continue
            if name == ENTITY_NAME and plausibility_problem(mention.value, arguments["now"]):
                name = IMPLAUSIBLE_ENTITY_NAME  # never fills the slot: explained and asked again
            entities.append(time_entity(name, mention))
        return entities

    @staticmethod
    def _reference_time(message: Message) -> datetime:
        """The message's own time (epoch seconds) when it has one, else now."""
        if isinstance(message.time, int | float) and not isinstance(message.time, bool):
            try:
                return datetime.fromtimestamp(message.time, tz=UTC)
            except (OverflowError, OSError, ValueError):
                pass
        return reference_now()

    def _timezone(self, message: Message) -> str:
        """The patient's time zone from message metadata when valid, else the clinic's."""
        metadata = message.get(METADATA)
        timezone: object | None = metadata.get(METADATA_TIMEZONE_KEY) if isinstance(metadata, dict) else None
        if is_valid_timezone(timezone):
            return timezone
        return self._clinic.timezone


def time_entity(name: str, mention: TimeMention) -> dict[str, Any]:
    """The Rasa entity for a time mention; its value is the UTC timestamp."""
    return rule_entity(name, format_timestamp(mention.value), mention.start, mention.end)

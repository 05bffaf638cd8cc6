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
      clinic_file: clinic.yml                      # timezone and date_order; default: CLINIC_FILE
      expressions_file: content/time_vocabulary.yml  # the words it understands

The vocabulary is kept in the trained model (components/rule_component.py): edit it, then `make train`. The clinic
file is the servers' own setting, read when the model is loaded (relative to where the assistant runs, as the
action server reads it), so a clinic's time zone or date order changes with a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

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
from components.rule_component import RuleComponent, content_path

logger = logging.getLogger(__name__)

ENTITY_NAME = "procedure_time"
ONSET_ENTITY_NAME = "symptom_onset"
IMPLAUSIBLE_ENTITY_NAME = "implausible_time"  # a procedure time in the future or too long ago
AHEAD_ENTITY_NAME = "time_ahead"  # "in 3 days", read as an answer to the time question only (aftercare/turn.py)
METADATA_TIMEZONE_KEY = "timezone"
VOCABULARY = "time_vocabulary.yml"  # its name in the model


@dataclass(frozen=True)
class TimeRules:
    """The clinic's settings (time zone, date order) and the compiled vocabulary."""

    clinic: Clinic
    patterns: TimePatterns


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ProcedureTimeExtractor(RuleComponent[TimeRules], EntityExtractorMixin):
    """Adds one `procedure_time` entity when a message says when the procedure happened."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The clinic's details, whose `timezone` and `date_order` are used here. By default the servers'
            # own: CLINIC_FILE, else clinic.yml.
            "clinic_file": None,
            # The words for times the extractor understands, read from the directory Rasa trains in or else the
            # repository root.
            "expressions_file": "content/time_vocabulary.yml",
        }

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """The time vocabulary (see the parent class)."""
        return {VOCABULARY: content_path(config["expressions_file"])}

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> TimeRules:
        """Reads the clinic file and compiles the vocabulary; raises InvalidConfigException when wrong."""
        clinic = load_or_refuse("clinic file", load_clinic, config["clinic_file"] or clinic_file())
        patterns = load_or_refuse("time vocabulary", lambda: load_time_patterns(files[VOCABULARY]))
        return TimeRules(clinic, patterns)

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
                "date_order": self._rules.clinic.date_order,
                "patterns": self._rules.patterns,
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
        return self._rules.clinic.timezone


def time_entity(name: str, mention: TimeMention) -> dict[str, Any]:
    """The Rasa entity for a time mention; its value is the UTC timestamp."""
    return rule_entity(name, format_timestamp(mention.value), mention.start, mention.end)

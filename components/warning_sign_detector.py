"""Rasa adapter for the warning-sign detector (aftercare/warning_signs/).

Placed last in the NLU pipeline: every sign the patient reports now (present or uncertain-present)
becomes a `warning_sign` entity and overrides the predicted intent (`report_emergency` for an emergency
sign, `report_warning_sign` otherwise), whatever DIET or the FallbackClassifier predicted.

The classifier's own `report_*` guess is a second net, not an override: it stands when the detector
found no sign at all, and is replaced when every sign the detector
found is negated, resolved, hypothetical, general, past, someone else's or benign (aftercare/assertion.py):
then the best-ranked care question, or the side effects, which list the warning signs.
The intent ranking is left as the classifier produced it.

The warning signs a message only supposes or asks about ("what if my lips swell?") go to the actions in the parse
data's `signs_asked_about`, so the answer says what to do if one happens, with no alarm.

A message describing a symptom or an expected effect there now, with no warning sign, says so in the parse data's
`describes_symptom`, so that the actions never answer it confidently on a topic it does not name.

Every sign mention and its assertion status stay in the message for the components after this one (not in the
parse output) under `warning_sign_mentions`: the learned escalation model (components/learned_escalation.py) trusts
itself less where the lexicon read a sign's words as not the patient's now.

A message whose every sign is named only with the words of an expected effect ("hot and red", "clear oozing")
says so in the parse data's `expectable_in_first_hours`: the actions answer it as expected in the care guide's
first hours (aftercare/turn.py), when they know the procedure was that recent.

The care topics the patient says are not there now ("the swelling has gone down completely") go to the actions in
the parse data's `not_there_now` (aftercare/topics.py), so a care-guide window that escalates answers in general.

The lexicon and the topic words (content/warning_signs.yml, content/topic_words.yml) are kept in the trained model
(components/rule_component.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from aftercare.assertion import (
    ASKED_ABOUT_KEY,
    EXPECTABLE_EARLY_KEY,
    SYMPTOM_KEY,
    Assertion,
    classifier_may_escalate,
)
from aftercare.topics import (
    EFFECTS_THERE_NOW_KEY,
    INTENSE_EFFECTS_KEY,
    NOT_THERE_NOW_KEY,
    TopicWords,
    load_topic_words,
    topics_not_there_now,
)
from aftercare.warning_signs import EFFECT, EMERGENCY, SYMPTOM, Lexicon, WarningSign, find_sign_mentions, load_lexicon
from components.config_files import load_or_refuse
from components.entities import rule_entity
from components.rule_component import RuleComponent, content_path

ENTITY_NAME = "warning_sign"
ASKED_ABOUT = (Assertion.HYPOTHETICAL, Assertion.GENERAL)
NOT_SIGNS = (EFFECT, SYMPTOM)  # mentions that are no warning sign on their own
MENTIONS_KEY = "warning_sign_mentions"
LEXICON, TOPICS = "warning_signs.yml", "topic_words.yml"  # their names in the model


@dataclass(frozen=True)
class SignRules:
    """The compiled lexicon, and the topic words that say which topic a sign not there now is about."""

    lexicon: Lexicon
    topics: TopicWords


# Registered as an entity extractor only: in the predict graph Rasa runs intent classifiers and
# entity extractors alike, in pipeline order, so this component still sets the final intent.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class WarningSignDetector(RuleComponent[SignRules], EntityExtractorMixin):
    """Marks warning signs as entities and escalates the intent when there is one."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The lexicon and the topic words, read from the directory Rasa trains in or else the repository root.
            "lexicon_file": "content/warning_signs.yml",
            "topics_file": "content/topic_words.yml",
            # Intent set when at least one sign is an emergency.
            "emergency_intent": "report_emergency",
            # Intent set when there are signs and none is an emergency.
            "warning_intent": "report_warning_sign",
            # Intent set instead of the classifier's report_* guess when every sign found is not the patient's
            # now and the ranking holds no other usable intent: the side effects, which list the warning signs.
            "watch_for_intent": "ask_side_effects",
        }

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """The lexicon and the topic words (see the parent class)."""
        return {LEXICON: content_path(config["lexicon_file"]), TOPICS: content_path(config["topics_file"])}

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> SignRules:
        """Compiles the lexicon and the topic words.

        Raises InvalidConfigException naming the lexicon file when it is missing or invalid: the
        assistant must not run without its red-flag check.
        """
        lexicon = load_or_refuse("warning-sign lexicon", lambda: load_lexicon(files[LEXICON]))
        return SignRules(lexicon, load_or_refuse("topics file", lambda: load_topic_words(files[TOPICS])))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds a `warning_sign` entity per sign reported now and sets the intent (see the module docstring)."""
        reports = {self._config["emergency_intent"], self._config["warning_intent"]}
        for message in messages:
            mentions = find_sign_mentions(message.get(TEXT) or "", self._rules.lexicon)
            signs = [sign for sign in mentions if sign.escalates]
            not_there_now = topics_not_there_now(
                ((sign.text, sign.topic, sign.status.escalates) for sign in mentions), self._rules.topics
            )
            if not_there_now:
                message.set(NOT_THERE_NOW_KEY, not_there_now, add_to_output=True)
            effects = [sign for sign in mentions if sign.category == EFFECT and sign.status.escalates]
            if effects:
                topics = [sign.topic for sign in effects]
                message.set(EFFECTS_THERE_NOW_KEY, list(dict.fromkeys(topics)), add_to_output=True)
            intense = [sign.topic for sign in effects if sign.intense]
            if intense:
                message.set(INTENSE_EFFECTS_KEY, list(dict.fromkeys(intense)), add_to_output=True)
            asked_about = signs_asked_about(mentions)
            if asked_about and not signs:
                message.set(ASKED_ABOUT_KEY, asked_about, add_to_output=True)
            if not signs and any(sign.category in NOT_SIGNS and sign.status.escalates for sign in mentions):
                message.set(SYMPTOM_KEY, True, add_to_output=True)
            message.set(MENTIONS_KEY, [(sign.category, sign.status) for sign in mentions])
            entities = self.add_extractor_name([sign_entity(sign) for sign in signs])
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if signs:
                if all(sign.expectable for sign in signs):
                    message.set(EXPECTABLE_EARLY_KEY, True, add_to_output=True)
                intent = escalation_intent(signs, self._config["emergency_intent"], self._config["warning_intent"])
                message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
            elif predicted in reports and not classifier_may_escalate(
                predicted == self._config["emergency_intent"], _weighed_mentions(mentions)
            ):
                instead = intent_instead_of_report(message, reports, self._config["watch_for_intent"])
                message.set(INTENT, instead, add_to_output=True)
            elif asked_about and not str(predicted or "").startswith("ask_"):
                # "What if my lips swell?" gets what to do if it happens, with the signs to watch for.
                message.set(INTENT, {INTENT_NAME_KEY: self._config["watch_for_intent"], PREDICTED_CONFIDENCE_KEY: 1.0})
        return messages


def intent_instead_of_report(message: Message, reports: set[str], watch_for_intent: str) -> dict[str, Any]:
    """The best-ranked care question (`ask_*`) in the classifier's ranking, else "what to watch for"."""
    for ranked in message.get(INTENT_RANKING_KEY) or []:
        name = ranked.get(INTENT_NAME_KEY) or ""
        if name.startswith("ask_") and name not in reports:
            return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: ranked.get(PREDICTED_CONFIDENCE_KEY)}
    return {INTENT_NAME_KEY: watch_for_intent, PREDICTED_CONFIDENCE_KEY: 1.0}


def signs_asked_about(mentions: list[WarningSign]) -> list[str]:
    """The warning-sign categories a message supposes or asks about ("what if my lips swell?"), emergency first."""
    asked = {
        sign.category for sign in mentions if sign.status in ASKED_ABOUT and sign.category not in (EFFECT, SYMPTOM)
    }
    return sorted(asked, key=lambda category: (category != EMERGENCY, category))


def _weighed_mentions(mentions: list[WarningSign]) -> list[tuple[str, Assertion]]:
    """The mentions weighed against the classifier's report guess: no expected effect there now, nor its symptom.

    "Breathing's fine, just a bit itchy": the itch is an expected effect, no symptom that could be an emergency the
    lexicon lacks, so the emergency organs said to be fine overrule an emergency guess. An effect that is not there
    now is weighed like a sign: "the redness has finally faded" is no report.
    """
    effects_now = {(sign.start, sign.end) for sign in mentions if sign.category == EFFECT and sign.status.escalates}
    return [
        (sign.category, sign.status)
        for sign in mentions
        if (sign.start, sign.end) not in effects_now or sign.category not in (EFFECT, SYMPTOM)
    ]


def sign_entity(sign: WarningSign) -> dict[str, Any]:
    """The Rasa entity for one warning sign; its value is the sign's category."""
    return rule_entity(ENTITY_NAME, sign.category, sign.start, sign.end)


def escalation_intent(signs: list[WarningSign], emergency_intent: str, warning_intent: str) -> str:
    """An emergency sign outranks every other sign."""
    return emergency_intent if any(sign.category == EMERGENCY for sign in signs) else warning_intent

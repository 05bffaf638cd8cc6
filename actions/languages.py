"""The answer to a patient who writes in another language (aftercare/languages/): the numbers, in that language.

The message's language comes from components/language_detector.py (the `language` entity). Escalations in
another language are answered by action_escalate (actions/actions.py) with the same texts.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import CLINIC
from actions.turns import person_is_answering
from aftercare.languages import REDIRECT, load_languages, message_language, reply_text
from aftercare.yaml_files import ConfigError

logger = logging.getLogger(__name__)


def checked_languages() -> None:
    """Checks the language files at start-up, or stops the action server saying what is wrong."""
    try:
        load_languages()
    except ConfigError as error:
        logger.critical("Refusing to start: %s", error)
        raise SystemExit(f"Refusing to start the action server: {error}") from None


checked_languages()


class ActionAnswerOtherLanguage(Action):
    """Says, in the patient's language, that the assistant answers in English, with the clinic's numbers."""

    def name(self) -> str:
        return "action_answer_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return []
        details = CLINIC.contact_details()
        text = reply_text(message_language(tracker.latest_message), REDIRECT, details, load_languages())
        if text is None:  # the detector marked no supported language: the English rephrase prompt
            dispatcher.utter_message(response="utter_ask_rephrase", **details)
        else:
            dispatcher.utter_message(text=text)
        return []

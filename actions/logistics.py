"""Questions about the clinic, and questions the care guide does not cover.

Appointments, prices, opening hours, the address and who treated me are answered by aftercare/logistics.py from
clinic.yml; neither action asks for the procedure time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import CLINIC
from actions.turns import carry_out, person_is_answering, reading
from aftercare.logistics import QUESTIONS, logistics_answer
from aftercare.timestamps import reference_now
from aftercare.turn import NOT_COVERED_INTENT, not_understood


class ActionAnswerLogistics(Action):
    """Answers a `clinic_*` question from clinic.yml, pointing to the phone when a detail is missing."""

    def name(self) -> str:
        return "action_answer_logistics"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in QUESTIONS:  # only reached by a rule for these intents; say something useful anyway
            dispatcher.utter_message(response="utter_contact_clinic", **CLINIC.contact_details())
            return []
        dispatcher.utter_message(text=logistics_answer(intent, CLINIC, reference_now()))
        return []


class ActionSayNotCovered(Action):
    """A question the care guide does not cover: say so honestly and give the clinic's number, never a guess."""

    def name(self) -> str:
        return "action_say_not_covered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return []
        return carry_out(
            dispatcher, tracker, not_understood(replace(reading(tracker), intent=NOT_COVERED_INTENT), CLINIC)
        )

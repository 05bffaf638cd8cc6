"""The callback form: the patient's name, number (repeated back), a time to call and consent, then an alert.

The form itself is Rasa's (`callback_form` in domain.yml; data/rules/callbacks.yml for cancelling, questions
and emergencies during it). These actions check what the patient typed and, once the form is complete, store
the callback alert and tell the patient when to expect the call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import settings
from actions.settings import CLINIC
from aftercare.callbacks import read_name, read_phone, read_time_to_call
from aftercare.opening_hours import describe_moment
from aftercare.texts import patient_text
from aftercare.timestamps import reference_now

FORM_SLOTS = ("callback_name", "callback_phone", "callback_phone_confirmed", "callback_time", "callback_consent")


def when_the_clinic_calls(now: Any) -> str:
    """When the patient can expect the call: soon while the clinic is open, else after it next opens."""
    hours = CLINIC.opening_hours
    if hours.is_open(now):
        return patient_text("callback.soon", clinic_name=CLINIC.clinic_name)
    opening = hours.next_opening(now)
    if opening is None:
        return patient_text("callback.when_open", clinic_name=CLINIC.clinic_name)
    opening_text = describe_moment(opening, now, hours.timezone)
    return patient_text("callback.after_opening", clinic_name=CLINIC.clinic_name, opening=opening_text)


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer; an answer that is not usable is asked again."""

    def name(self) -> str:
        return "validate_callback_form"

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = read_name(value) if isinstance(value, str) else None
        if name is None:
            dispatcher.utter_message(text=patient_text("callback.name_not_caught"))
        return {"callback_name": name, "callback_offered": False}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = read_phone(value) if isinstance(value, str) else None
        if phone is None:
            dispatcher.utter_message(response="utter_callback_phone_invalid")
        return {"callback_phone": phone}

    def validate_callback_phone_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            return {"callback_phone_confirmed": True}
        # "No": ask for the number again, then repeat it back again.
        return {"callback_phone": None, "callback_phone_confirmed": None}

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"callback_time": read_time_to_call(value) if isinstance(value, str) else None}


class ActionSubmitCallback(Action):
    """With consent, asks the clinic to call back (an alert) and says when to expect it; clears the answers."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        contact = CLINIC.contact_details()
        if tracker.get_slot("callback_consent") is True:
            name, phone = tracker.get_slot("callback_name"), tracker.get_slot("callback_phone")
            when = tracker.get_slot("callback_time")
            if settings.ALERTS.callback(tracker, name, phone, when):
                expect = when_the_clinic_calls(reference_now())
                answers = {"name": name, "callback_phone": phone, "when": when, "expect": expect}
                dispatcher.utter_message(text=patient_text("callback.requested", **answers, **contact))
            else:
                dispatcher.utter_message(response="utter_callback_unavailable", **contact)
        else:
            dispatcher.utter_message(response="utter_callback_cancelled", **contact)
        return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("callback_offered", False)]


class ActionDeclineCallback(Action):
    """A patient who says no to the offered callback."""

    def name(self) -> str:
        return "action_decline_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_callback_declined", **CLINIC.contact_details())
        return [SlotSet("callback_offered", False)]


class ActionSayClinicResponse(Action, ABC):
    """Utters one domain response filled with the clinic's details, where a rule or a form would leave them unfilled.

    Rasa fills a response's {placeholders} from slots only; the clinic's name and numbers come from clinic.yml.
    Abstract: rasa-sdk registers only the subclasses, each naming its response.
    """

    @property
    @abstractmethod
    def response(self) -> str:
        """The domain response to utter."""

    def name(self) -> str:
        return "action_say_" + self.response.removeprefix("utter_")

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response=self.response, **CLINIC.contact_details())
        return []


class ActionSayCallbackUnavailable(ActionSayClinicResponse):
    """A callback asked for while alerts do not reach the clinic: its number instead."""

    response = "utter_callback_unavailable"


class ActionSayCallbackCancelled(ActionSayClinicResponse):
    """The callback form stopped with "never mind": the clinic's number."""

    response = "utter_callback_cancelled"


class ActionAskCallbackConsent(ActionSayClinicResponse):
    """The form's consent question, which names the clinic (Rasa calls action_ask_<slot> instead of utter_ask_)."""

    response = "utter_ask_callback_consent"

    def name(self) -> str:
        return "action_ask_callback_consent"

"""What the action modules share about the turn in hand.

The patient's time zone and procedure time, asking for the time, and whether a person from the clinic answers instead.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.handoff import PERSON_IS_ANSWERING
from actions.settings import CLINIC, GUIDE
from aftercare.timestamps import is_valid_timezone, parse_timestamp

TIME_INTENT = "inform_procedure_time"
TERMINAL_CHANNEL = "cmdline"  # `rasa shell`, which would print the payload as "Custom json: {...}"


def patient_timezone(tracker: Tracker) -> str:
    """The browser's IANA time zone from message metadata when valid, else the clinic's."""
    timezone = (tracker.latest_message.get("metadata") or {}).get("timezone")
    return timezone if is_valid_timezone(timezone) else CLINIC.timezone


def stored_procedure_time(tracker: Tracker) -> datetime | None:
    """The procedure time slot as a datetime (None when unknown)."""
    value = tracker.get_slot("procedure_time")
    try:
        return parse_timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None


def describe_date(moment: datetime, timezone: str) -> str:
    """A date as a patient would read it, e.g. 'Sat 5 Dec 2026'."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y}"


def person_is_answering(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """While a person from the clinic answers this patient (actions/handoff.py), says so instead of answering."""
    handoff = settings.HANDOFFS.person_answering(tracker)
    if handoff is None:
        return False
    dispatcher.utter_message(text=PERSON_IS_ANSWERING.format(staff_name=handoff.staff_name, **CLINIC.contact_details()))
    return True


def ask_procedure_time(dispatcher: CollectingDispatcher) -> None:
    """Asks when the procedure was, with quick replies carrying how many hours ago they stand for."""
    buttons = [
        {"title": button.title, "payload": f'/{TIME_INTENT}{{"hours_ago": {button.hours_ago:g}}}'}
        for button in GUIDE.time_buttons
    ]
    dispatcher.utter_message(response="utter_ask_procedure_time", buttons=buttons, **CLINIC.contact_details())

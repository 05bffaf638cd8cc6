"""The adapter around the turn decision (aftercare/turn.py): tracker in, messages and slot events out.

Also what the action modules share about the turn in hand: the patient's time zone, the stored procedure time and
whether a person from the clinic answers instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.settings import CLINIC, GUIDE
from aftercare.plan import Progress
from aftercare.timestamps import is_valid_timezone, parse_timestamp, reference_now
from aftercare.turn import Decision, Reading, State, decide_turn, person_answering_text

TERMINAL_CHANNEL = "cmdline"  # `rasa shell`, which would print a JSON payload as "Custom json: {...}"


def patient_timezone(tracker: Tracker) -> str:
    """The browser's IANA time zone from message metadata when valid, else the clinic's."""
    timezone = (tracker.latest_message.get("metadata") or {}).get("timezone")
    return timezone if is_valid_timezone(timezone) else CLINIC.timezone


def stored_procedure_time(tracker: Tracker) -> datetime | None:
    """The procedure time slot as a datetime (None when unknown or unreadable)."""
    value = tracker.get_slot("procedure_time")
    try:
        return parse_timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None


def person_is_answering(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """While a person from the clinic answers this patient (actions/handoff.py), says so instead of answering."""
    handoff = settings.HANDOFFS.person_answering(tracker)
    if handoff is None:
        return False
    dispatcher.utter_message(text=person_answering_text(handoff.staff_name, CLINIC))
    return True


def reading(tracker: Tracker) -> Reading:
    """What the NLU read in the patient's latest message."""
    return Reading.from_parse(tracker.latest_message, GUIDE.topics)


def conversation_state(tracker: Tracker) -> State:
    """What the conversation knows, from its slots, the message's channel and metadata, and the staff handoff."""
    handoff = settings.HANDOFFS.person_answering(tracker)
    return State(
        procedure_time=stored_procedure_time(tracker),
        pending_topics=tuple(dict.fromkeys((tracker.get_slot("pending_topic") or "").split())),
        plan_pending=tracker.get_slot("plan_pending") is True,
        escalation=tracker.get_slot("escalation"),
        progress=Progress.from_slot(tracker.get_slot("aftercare_progress")),
        timezone=patient_timezone(tracker),
        alerts_enabled=settings.ALERTS.enabled,
        in_form=(tracker.active_loop or {}).get("name") == "callback_form",
        terminal=tracker.get_latest_input_channel() == TERMINAL_CHANNEL,
        person_answering=handoff.staff_name if handoff is not None else None,
    )


def decide(tracker: Tracker) -> Decision:
    """The turn decision for the tracker's latest message."""
    return decide_turn(reading(tracker), conversation_state(tracker), reference_now(), CLINIC, GUIDE)


def carry_out(dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision) -> list[EventType]:
    """Sends the decision's replies in order, alerts the clinic when it escalates, and returns its slot events."""
    for reply in decision.replies:
        if reply.payload is not None:
            dispatcher.utter_message(json_message=dict(reply.payload))
        elif reply.response is not None:
            extra: dict[str, Any] = {"buttons": list(reply.buttons)} if reply.buttons else {}
            dispatcher.utter_message(response=reply.response, **extra, **reply.values)
        else:
            dispatcher.utter_message(text=reply.text)
    if decision.level is not None:
        settings.ALERTS.escalation(tracker, decision.level)
    return [SlotSet(name, value) for name, value in decision.slots.items()]

"""What the text-message channel decides by itself, before or instead of the assistant: plain functions, no Rasa.

- An opt-out keyword (STOP and the others carriers require), sent as the whole message in any case, ends every
  message to the patient at once; it is confirmed once and never reaches the assistant.
- A number the clinic did not enrol is told what this number is for and how to reach the clinic.
- An enrolled patient's message carries their procedure time and time zone as message metadata, the same keys the
  widget sends (aftercare/messages.py), so the assistant never asks for what the clinic already gave.
- A reply with quick replies lists their titles, since a text message has no buttons; typing one is understood
  like any other message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from aftercare.clinic import Clinic
from aftercare.quick_replies import quick_replies

# The opt-out keywords of the US carriers' rules (CTIA), which Twilio also honours, compared as a whole message.
STOP_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
STOPPED = (
    "You will get no more messages from {clinic_name}'s aftercare. If something worries you, call {clinic_name} on "
    "{phone} ({hours}); in an emergency call {emergency_number}."
)
UNKNOWN_NUMBER = (
    "This number sends aftercare messages to patients {clinic_name} has enrolled, and this phone number is not one "
    "of them. Please call {clinic_name} on {phone} ({hours}); in an emergency call {emergency_number}."
)


def is_stop_request(text: str) -> bool:
    """Whether the message is an opt-out keyword on its own ("stop", " Stop "; not "stop the redness")."""
    return text.strip().upper() in STOP_KEYWORDS


def stopped_text(clinic: Clinic) -> str:
    """The one confirmation sent after an opt-out."""
    return STOPPED.format(**clinic.contact_details())


def unknown_number_text(clinic: Clinic) -> str:
    """The answer to a message from a number no enrolment has."""
    return UNKNOWN_NUMBER.format(**clinic.contact_details())


def enrolment_metadata(procedure_time: datetime, timezone_name: str) -> dict[str, str]:
    """The message metadata of an enrolled patient's text: procedure time (ISO 8601, UTC) and time zone."""
    moment = procedure_time.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return {"procedure_time": moment, "timezone": timezone_name}


def with_choices(text: str, buttons: Iterable[Mapping[str, Any]] | None) -> str:
    """The text followed by its quick replies' titles, e.g. 'How is your skin? (All good / Still red or swollen)'."""
    titles = [reply.title for reply in quick_replies(buttons)]
    return f"{text} ({' / '.join(titles)})" if titles else text

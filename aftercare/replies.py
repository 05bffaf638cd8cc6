"""What the channels say themselves, when a message never reaches the assistant or a turn fails.

Filled in from clinic.yml, so a patient always gets the clinic's real phone number and emergency number.
The Rasa server reads the clinic file when its channels are created and refuses to start if it is wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aftercare.clinic import Clinic, ConfigError, clinic_file, load_clinic
from aftercare.messages import MAX_MESSAGE_CHARACTERS

logger = logging.getLogger(__name__)

CONTACT = "If something worries you, call {clinic_name} on {phone} ({hours}); in an emergency call {emergency_number}."
EMPTY = "I didn't get a message: it came through empty. What would you like to know about your skin? " + CONTACT
TOO_LONG = (
    "Your message is too long for me to read (over {limit} characters). Please send it again in a shorter "
    "form, one question at a time. " + CONTACT
)
UNREADABLE = "Sorry, I couldn't read that message. Please type your question again. " + CONTACT
SESSION_LOST = "Sorry, this chat lost track of your conversation. Please reload the page and try again. " + CONTACT
# A turn whose custom action failed or that produced no reply: the emergency number comes first.
UNAVAILABLE = (
    "Sorry, I can't answer that right now because of a technical problem on our side. If you have trouble "
    "breathing, swelling of the lips, tongue or throat, or feel faint, call {emergency_number} now. For anything "
    "else that worries you, call {injector_name} at {clinic_name} on {phone} ({hours}). You can also try me "
    "again in a few minutes."
)


@dataclass(frozen=True)
class Refusal:
    """A message a channel answers itself instead of running it through Rasa.

    `reason` is a short code the widget reads ("empty", "too_long", "unreadable", "no_session"); `text` is what
    the patient is told.
    """

    reason: str
    text: str


@dataclass(frozen=True)
class Replies:
    """The channels' own replies for one clinic."""

    empty: str
    too_long: str
    unreadable: str
    session_lost: str
    unavailable: str
    clinic_name: str = ""  # whom staff replies are shown as from, with the staff member's name

    def refuse(self, text: str) -> Refusal | None:
        """Why a cleaned message is not run through Rasa (empty or too long) and the answer, else None."""
        if not text:
            return Refusal("empty", self.empty)
        if len(text) > MAX_MESSAGE_CHARACTERS:
            return Refusal("too_long", self.too_long)
        return None

    def refusal(self, text: str) -> str | None:
        """The answer to a cleaned message that is not run through Rasa (empty or too long), else None."""
        refused = self.refuse(text)
        return refused.text if refused else None

    @classmethod
    def for_clinic(cls, clinic: Clinic) -> Replies:
        details = {**clinic.contact_details(), "limit": f"{MAX_MESSAGE_CHARACTERS:,}"}
        return cls(
            empty=EMPTY.format(**details),
            too_long=TOO_LONG.format(**details),
            unreadable=UNREADABLE.format(**details),
            session_lost=SESSION_LOST.format(**details),
            unavailable=UNAVAILABLE.format(**details),
            clinic_name=clinic.clinic_name,
        )


def load_replies() -> Replies:
    """The replies for the clinic in CLINIC_FILE (clinic.yml), or stops the Rasa server saying what is wrong."""
    try:
        clinic = load_clinic(clinic_file())
    except ConfigError as error:
        logger.critical("Refusing to start: %s", error)
        raise SystemExit(f"Refusing to start the Rasa server: {error}") from None
    return Replies.for_clinic(clinic)

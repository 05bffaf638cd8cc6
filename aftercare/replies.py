"""What the channels say themselves, when a message never reaches the assistant or a turn fails.

The texts are content/en/texts.yml's `channels` (aftercare/texts.py), filled in from clinic.yml, so a patient always
gets the clinic's real phone number and emergency number.
The Rasa server reads the clinic file when its channels are created and refuses to start if it is wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aftercare.clinic import Clinic, ConfigError, clinic_file, load_clinic
from aftercare.messages import MAX_MESSAGE_CHARACTERS
from aftercare.texts import patient_text

logger = logging.getLogger(__name__)


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
        """The replies with the clinic's details filled in; ConfigError when content/en/texts.yml lacks one."""
        details = {**clinic.contact_details(), "limit": f"{MAX_MESSAGE_CHARACTERS:,}"}
        details["contact"] = patient_text("channels.contact", **details)
        return cls(
            empty=patient_text("channels.empty", **details),
            too_long=patient_text("channels.too_long", **details),
            unreadable=patient_text("channels.unreadable", **details),
            session_lost=patient_text("channels.session_lost", **details),
            unavailable=patient_text("channels.unavailable", **details),
            clinic_name=clinic.clinic_name,
        )


def load_replies() -> Replies:
    """The replies for the clinic in CLINIC_FILE (clinic.yml), or stops the Rasa server saying what is wrong."""
    try:
        return Replies.for_clinic(load_clinic(clinic_file()))
    except ConfigError as error:
        logger.critical("Refusing to start: %s", error)
        raise SystemExit(f"Refusing to start the Rasa server: {error}") from None

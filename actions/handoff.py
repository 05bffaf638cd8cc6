"""While a person from the clinic is answering the patient (a staff reply in the console), the assistant steps back.

The console records the handoff in the conversations' database (storage/staff_store.py); the actions read it
there. Care questions are then answered with the `handoff.person_answering` text instead of the care guide;
warning signs and emergencies still get the escalation replies at once (action_escalate does not look here).
"""

from __future__ import annotations

import logging
import os

from rasa_sdk import Tracker

from aftercare.staff.inbox import Handoff
from storage.database import database_url
from storage.staff_store import StaffStore, connect

logger = logging.getLogger(__name__)


class Handoffs:
    """Reads whether a person is answering a conversation; the database is opened on first use."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._store: StaffStore | None = None

    @classmethod
    def from_environment(cls) -> Handoffs:
        return cls(database_url(os.environ))

    def person_answering(self, tracker: Tracker) -> Handoff | None:
        """The active handoff of this conversation, else None (also when the database cannot be read)."""
        try:
            if self._store is None:
                self._store = StaffStore(connect(self.database_url))
            return self._store.person_is_answering(tracker.sender_id)
        except Exception as error:  # noqa: BLE001 - unreadable: the assistant answers, as without a console
            logger.error("Could not read the handoffs (%s); the assistant answers as usual.", type(error).__name__)
            return None

"""Tells the clinic about an escalation or a callback request: the action's side of the alerts.

The alert is stored in the outbox (the conversations' database) before the action answers the patient, and the
dispatcher delivers it (`python -m services.dispatcher`, started by `make run`). Every alert is also stored
for the staff console's inbox (unless CONSOLE_ALERTS=0); with neither, nothing is stored. A repeated escalation is
not stored again unless staff marked the conversation handled since (read from the console's handoffs).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker

from aftercare.environment import SettingError
from services.alert_settings import AlertSettings, settings_from_environment
from storage.outbox import Alert, Outbox, new_alert
from storage.staff_store import StaffStore, connect

logger = logging.getLogger(__name__)


class ClinicAlerts:
    """The outbox of one action server, or nothing when alerts are off; `staff` says when a case was handled."""

    def __init__(self, settings: AlertSettings, outbox: Outbox | None, staff: StaffStore | None = None) -> None:
        self.settings = settings
        self.outbox = outbox
        self.staff = staff

    @classmethod
    def from_environment(cls) -> ClinicAlerts:
        """Reads the alert settings and opens the outbox; stops the action server naming a wrong variable."""
        try:
            settings = settings_from_environment()
        except SettingError as error:
            logger.critical("Refusing to start: %s", error)
            raise SystemExit(f"Refusing to start the action server: {error}") from None
        logger.info(settings.describe())
        if not settings.stored_channels:
            return cls(settings, None)
        engine = connect(settings.database_url)  # the outbox's and the console's tables
        return cls(settings, Outbox(engine), StaffStore(engine))

    @property
    def enabled(self) -> bool:
        """Whether alerts are pushed to the clinic (a webhook or email is configured): callbacks need that."""
        return self.outbox is not None and self.settings.enabled

    def escalation(self, tracker: Tracker, level: str) -> None:
        """An escalation alert for this conversation (the message itself only with ALERT_INCLUDE_DETAILS=1)."""
        details = None
        if self.settings.include_details:
            details = {"details": {"message": tracker.latest_message.get("text") or "", "level": level}}
        self._add(tracker.sender_id, "escalation", level, details)

    def callback(self, tracker: Tracker, name: str, phone: str, time_to_call: str) -> bool:
        """A callback alert carrying what the patient gave for it; False when the clinic cannot be told."""
        return self._add(
            tracker.sender_id, "callback", None, {"callback": {"name": name, "phone": phone, "time": time_to_call}}
        )

    def _add(self, conversation_id: str, kind: str, level: str | None, details: dict[str, Any] | None) -> bool:
        """Stores an alert; whether the clinic will hear of it (a repeat of a recent escalation counts as yes)."""
        if self.outbox is None:
            return False
        alert = new_alert(kind, level, conversation_id, self.settings.console_link(conversation_id), details)
        try:
            stored = self.outbox.add(alert, self.settings.stored_channels, self._handled_at(alert))
        except Exception as error:  # noqa: BLE001 - the patient still gets the escalation reply
            logger.critical("Could not store alert %s (%s): the clinic is NOT told.", alert.id, type(error).__name__)
            return False
        if stored:
            logger.info("Alert %s (%s, %s) stored for delivery.", alert.id, kind, level or "-")
        return True

    def _handled_at(self, alert: Alert) -> float:
        """When staff last marked the alert's conversation handled (0: never, or no console here)."""
        if self.staff is None:
            return 0.0
        try:
            handoff = self.staff.handoff(alert.conversation_id)
        except Exception as error:  # noqa: BLE001 - unknown, so no earlier alert is taken for this one's repeat
            logger.error("Could not read the handoffs (%s); alert %s alerts again.", type(error).__name__, alert.id)
            return alert.created_at
        return handoff.handled_at if handoff else 0.0

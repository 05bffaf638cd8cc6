"""Which conversations staff see, in which order, with which status; and a conversation's transcript.

Pure functions over plain rows: the alert outbox's (one per alert and channel), the console's handoff rows and
Rasa's tracker-store events (their JSON `data`), so that the rules are tested without a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

LEVELS = ("injector", "emergency")  # in order of urgency, as in the alert outbox
NEW, IN_PROGRESS, HANDLED = "new", "in progress", "handled"
STATUSES = (NEW, IN_PROGRESS, HANDLED)


@dataclass(frozen=True)
class Handoff:
    """What staff did with one conversation: whether a person is answering the patient now, and its status."""

    conversation_id: str
    active: bool = False  # from the first staff reply until "Return to assistant" or "Mark handled"
    staff_name: str = ""
    replied_at: float = 0.0  # the latest staff reply (0: none)
    handled_at: float = 0.0  # when it was last marked handled (0: never)
    handled_by: str = ""
    note: str = ""


@dataclass(frozen=True)
class Callback:
    """What a patient gave for a call back."""

    name: str
    phone: str
    time: str


@dataclass
class InboxEntry:
    """One conversation in the inbox."""

    conversation_id: str
    level: str | None = None  # the highest escalation level of its alerts; None: only callback requests
    first_alert_at: float = 0.0
    latest_alert_at: float = 0.0
    callback: Callback | None = None  # the latest callback request's details
    kinds: set[str] = field(default_factory=set)
    status: str = NEW
    procedure_time: datetime | None = None
    handoff: Handoff | None = None
    check_in: str | None = None  # the check-in key ("check_in:24h") its latest check-in answer replied to

    @property
    def is_emergency(self) -> bool:
        return self.level == "emergency"


def conversation_status(latest_alert_at: float, handoff: Handoff | None) -> str:
    """new, in progress or handled.

    Handled once marked handled after its latest alert (a newer alert makes it new again); in progress while a
    person is answering or after a staff reply since the latest alert; new otherwise.
    """
    if handoff is None:
        return NEW
    if handoff.active:
        return IN_PROGRESS
    if handoff.handled_at and handoff.handled_at >= latest_alert_at:
        return HANDLED
    if handoff.replied_at and handoff.replied_at >= latest_alert_at:
        return IN_PROGRESS
    return NEW


def _higher(level: str | None, other: str | None) -> str | None:
    ranked = [candidate for candidate in (level, other) if candidate in LEVELS]
    return max(ranked, key=LEVELS.index) if ranked else None


def build_inbox(
    alert_rows: Iterable[Mapping[str, Any]],
    handoffs: Mapping[str, Handoff],
    check_in_answers: Mapping[str, tuple[str, float]] | None = None,
) -> list[InboxEntry]:
    """One entry per conversation with alerts or a check-in answer, emergencies first, then the newest first.

    `alert_rows` are outbox rows (`alert_id`, `kind`, `level`, `conversation_id`, `created_at`, `body`); the same
    alert on several channels counts once. `check_in_answers` maps a conversation to its latest check-in answer
    (aftercare/check_in_answers.py: check-in key, when), which counts like an alert of kind "check_in".
    """
    entries: dict[str, InboxEntry] = {}
    seen: set[str] = set()
    for row in sorted(alert_rows, key=lambda row: row["created_at"]):
        if row["alert_id"] in seen:
            continue
        seen.add(row["alert_id"])
        entry = entries.setdefault(row["conversation_id"], InboxEntry(row["conversation_id"]))
        entry.first_alert_at = entry.first_alert_at or row["created_at"]
        entry.latest_alert_at = row["created_at"]
        entry.kinds.add(row["kind"])
        entry.level = _higher(entry.level, row["level"])
        if row["kind"] == "callback":
            details = _json(row["body"]).get("callback") or {}
            entry.callback = Callback(
                str(details.get("name", "")), str(details.get("phone", "")), str(details.get("time", ""))
            )
    for conversation_id, (check_in, answered_at) in (check_in_answers or {}).items():
        entry = entries.setdefault(conversation_id, InboxEntry(conversation_id))
        entry.check_in = check_in
        entry.kinds.add("check_in")
        entry.first_alert_at = min(entry.first_alert_at or answered_at, answered_at)
        entry.latest_alert_at = max(entry.latest_alert_at, answered_at)
    for entry in entries.values():
        entry.handoff = handoffs.get(entry.conversation_id)
        entry.status = conversation_status(entry.latest_alert_at, entry.handoff)
    return sorted(entries.values(), key=inbox_order)


def inbox_order(entry: InboxEntry) -> tuple[int, int, float]:
    """Unhandled before handled; within each, emergencies first, then the newest alert first."""
    return (entry.status == HANDLED, not entry.is_emergency, -entry.latest_alert_at)


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class TranscriptLine:
    """One message of a conversation: who said it (patient, assistant, staff), what, and when."""

    event_id: int
    speaker: str  # "patient", "assistant" or "staff"
    text: str
    at: float
    staff_name: str = ""
    escalation: str | None = None  # set on the assistant's escalation signal, which has no text


def transcript_line(event_id: int, type_name: str, data_text: str) -> TranscriptLine | None:
    """A tracker-store event (its `type_name` and JSON `data`) as a transcript line; None for other events."""
    data = _json(data_text)
    at = float(data.get("timestamp") or 0.0)
    if type_name == "user":
        return TranscriptLine(event_id, "patient", str(data.get("text") or ""), at)
    if type_name != "bot":
        return None
    staff = (data.get("metadata") or {}).get("from_staff")
    if isinstance(staff, str) and staff:
        return TranscriptLine(event_id, "staff", str(data.get("text") or ""), at, staff_name=staff)
    text = data.get("text")
    if text:
        return TranscriptLine(event_id, "assistant", str(text), at)
    custom = (data.get("data") or {}).get("custom") or {}
    if isinstance(custom, dict) and custom.get("escalation") in LEVELS:
        return TranscriptLine(event_id, "assistant", "", at, escalation=custom["escalation"])
    return None


def latest_procedure_time(slot_events: Iterable[str]) -> datetime | None:
    """The last procedure time a conversation's slot events (JSON `data`, in order) recorded."""
    value = None
    for data_text in slot_events:
        data = _json(data_text)
        if data.get("name") == "procedure_time":
            value = data.get("value")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def days_since(moment: datetime | None, now: datetime) -> int | None:
    """Whole days from the procedure to now (0 on the day itself); None when unknown."""
    if moment is None:
        return None
    return max(0, (now - moment).days)


def describe_ago(seconds: float) -> str:
    """How long ago, as staff scan it: "just now", "4 min ago", "3 h ago", "2 days ago"."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"

"""Reading Rasa's own `events` table (its SQL tracker store), for the unanswered-questions report.

Rasa writes the table; this module only reads it, so reading is safe while the servers run. storage/retention.py
deletes from the same table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlalchemy as sa

from aftercare.unanswered import ACTION, UNANSWERED_ACTIONS, USER, StoredEvent

EVENTS = sa.table(
    "events",
    sa.column("id"),
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("action_name"),
    sa.column("data"),
)


def has_events_table(engine: sa.engine.Engine) -> bool:
    """Whether Rasa has created its events table yet (it does at its first conversation)."""
    return sa.inspect(engine).has_table("events")


def read_events(engine: sa.engine.Engine, since: float) -> Iterator[StoredEvent]:
    """The user messages and unanswered actions stored since `since`, in stored order."""
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.action_name, EVENTS.c.data)
        .where(EVENTS.c.timestamp >= since)
        .where(
            (EVENTS.c.type_name == USER)
            | ((EVENTS.c.type_name == ACTION) & EVENTS.c.action_name.in_(sorted(UNANSWERED_ACTIONS)))
        )
        .order_by(EVENTS.c.id)
    )
    with engine.connect() as connection:
        for sender_id, type_name, timestamp, action_name, data in connection.execute(query):
            # Only a user message's data is read (its parse data and text); a row that is not JSON counts without it.
            try:
                parsed = json.loads(data) if type_name == USER and data else {}
            except ValueError:
                parsed = {}
            yield StoredEvent(sender_id, type_name, float(timestamp or 0), action_name, parsed)

"""Deleting patients' conversations from Rasa's SQL tracker store, and the enrolments of ended programmes.

A conversation's last activity is its newest event; deleting a conversation deletes every event Rasa stored for it.
On SQLite the deleted rows are overwritten (secure_delete); on PostgreSQL they leave the disk at the next VACUUM.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from aftercare.timestamps import reference_now
from storage.enrolments import EnrolmentStore
from storage.events import EVENTS, has_events_table

BATCH = 500  # conversations per DELETE, to keep the statement small


@dataclass(frozen=True)
class Purged:
    """How many conversations and stored events were (or, in a dry run, would be) deleted."""

    conversations: int
    events: int


def _enable_secure_delete(engine: sa.engine.Engine) -> None:
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def overwrite_deleted_rows(connection, _record) -> None:  # noqa: ANN001 - DB-API connection
            connection.execute("PRAGMA secure_delete = ON")


def _delete(engine: sa.engine.Engine, senders: list[str], dry_run: bool) -> Purged:
    events = 0
    with engine.begin() as connection:
        for start in range(0, len(senders), BATCH):
            batch = senders[start : start + BATCH]
            if dry_run:
                count = sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.sender_id.in_(batch))
                events += connection.execute(count).scalar_one()
            else:
                events += connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(batch))).rowcount
    return Purged(len(senders), events)


def purge_idle(engine: sa.engine.Engine, days: float, now: float | None = None, dry_run: bool = False) -> Purged:
    """Deletes every conversation whose newest event is more than `days` days old."""
    if not has_events_table(engine):
        return Purged(0, 0)
    cutoff = (time.time() if now is None else now) - days * 86400
    idle = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    with engine.connect() as connection:
        senders = [sender for (sender,) in connection.execute(idle)]
    return _delete(engine, senders, dry_run)


def purge_sender(engine: sa.engine.Engine, sender: str, dry_run: bool = False) -> Purged:
    """Deletes one conversation (a patient's request); Purged(0, 0) if there is none."""
    if not has_events_table(engine):
        return Purged(0, 0)
    with engine.connect() as connection:
        exists = connection.execute(sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == sender).limit(1))
        found = exists.first() is not None
    return _delete(engine, [sender], dry_run) if found else Purged(0, 0)


def purge_ended_enrolments(engine: sa.engine.Engine, retention_days: int, now: datetime | None = None) -> int:
    """Deletes the enrolments (and their message history) of programmes ended more than `retention_days` ago."""
    return EnrolmentStore(engine).purge_ended(now or reference_now(), retention_days)


def open_store(url: str) -> sa.engine.Engine:
    """An engine on the tracker store, overwriting deleted rows on SQLite."""
    engine = sa.create_engine(url)
    _enable_secure_delete(engine)
    return engine

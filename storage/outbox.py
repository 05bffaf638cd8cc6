"""The alert outbox: one row per alert and channel, in the same database as the conversations.

The action that decides an escalation or takes a callback request writes the alert here before it answers the
patient, so an alert exists as soon as the patient has been told to call. The dispatcher claims due rows for a
short lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that several dispatchers never claim the same row;
SQLite runs one statement at a time), delivers them outside any transaction, and marks each delivered or due
again after an exponential backoff. A dispatcher that dies mid-delivery leaves its lease to run out, and the row
is delivered again: receivers de-duplicate on the alert's `id`, which stays the same across every attempt.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from aftercare.escalation import ESCALATION_LEVELS as LEVELS
from storage.database import create_tables

KINDS = ("escalation", "callback")
# The aftercare programme's scheduled messages to enrolled patients (services/scheduler.py) share the outbox's
# leases and retries; they are not alerts, so the staff inbox leaves them out.
PATIENT_MESSAGE = "patient_message"
PENDING, DELIVERED, EXPIRED = "pending", "delivered", "expired"
# A patient message that must not go out any more (the patient stopped the messages); never claimed again.
CANCELLED = "cancelled"
# The staff console reads its inbox from this table: its rows are delivered as soon as they are stored.
CONSOLE_CHANNEL = "console"
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 15 * 60.0
# Retried for three days: a receiver down over a long weekend still gets every alert.
RETRY_FOR_SECONDS = 72 * 3600.0
LEASE_SECONDS = 60.0
# A conversation that escalates again at the same level within this time does not alert the clinic again, unless
# staff marked it handled in between.
REPEAT_AFTER_SECONDS = 6 * 3600.0

metadata = sa.MetaData()
deliveries = sa.Table(
    "aftercare_alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("level", sa.String(16)),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the JSON sent, fixed at creation so every attempt is the same
    sa.Column("status", sa.String(16), nullable=False, default=PENDING, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(32)),
    sa.Column("claimed_until", sa.Float),
    sa.Column("delivered_at", sa.Float),
    sa.Column("last_error", sa.String(200)),  # never patient data: an HTTP status or an exception's type
    sa.UniqueConstraint("alert_id", "channel"),
)


@dataclass(frozen=True)
class Alert:
    """What the clinic is told: `payload` is the JSON body (see `new_alert`)."""

    id: str
    kind: str
    level: str | None
    conversation_id: str
    created_at: float
    payload: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """One alert on one channel, claimed by a dispatcher."""

    row_id: int
    alert_id: str
    channel: str
    kind: str
    created_at: float
    attempts: int
    body: str


def iso_time(epoch_seconds: float) -> str:
    """An epoch time as ISO 8601 UTC, e.g. 2026-11-29T23:02:11Z."""
    moment = datetime.fromtimestamp(epoch_seconds, timezone.utc).replace(microsecond=0, tzinfo=None)
    return moment.isoformat() + "Z"


def new_alert(
    kind: str,
    level: str | None,
    conversation_id: str,
    console_url: str,
    details: dict[str, Any] | None = None,
    now: float | None = None,
) -> Alert:
    """An alert with a fresh id; `details` (the callback's, or the opted-in message) are added under their keys."""
    if kind not in KINDS:
        raise ValueError(f"alert kind must be one of {KINDS}, not {kind!r}")
    if level is not None and level not in LEVELS:
        raise ValueError(f"alert level must be one of {LEVELS} or None, not {level!r}")
    created_at = time.time() if now is None else now
    alert_id = str(uuid.uuid4())
    payload = {
        "id": alert_id,
        "kind": kind,
        "level": level,
        "conversation_id": conversation_id,
        "created_at": iso_time(created_at),
        "console_url": console_url,
        **(details or {}),
    }
    return Alert(alert_id, kind, level, conversation_id, created_at, payload)


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: 5 s, 10 s, 20 s, ... at most 15 minutes."""
    return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def connect(database_url: str) -> sa.engine.Engine:
    """An engine for the conversations' database, with the outbox table created if missing."""
    options: dict[str, Any] = {"future": True}
    if database_url.startswith("sqlite"):
        # The Rasa server writes the same file: wait for its short transactions instead of failing at once.
        options["connect_args"] = {"timeout": 30}
    engine = sa.create_engine(database_url, **options)
    create_tables(engine, metadata)
    return engine


class Outbox:
    """The outbox in one database (see the module docstring)."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self.skip_locked = engine.dialect.name == "postgresql"

    def add(self, alert: Alert, channels: Iterable[str], handled_at: float = 0.0) -> bool:
        """Stores the alert for each channel; False (nothing stored) when it repeats a recent one.

        An escalation repeats when the same conversation already alerted at the same or a higher level within
        REPEAT_AFTER_SECONDS and after `handled_at`, when staff last marked the conversation handled (0: never):
        a warning sign after that is news to the clinic. Callback requests always alert.
        """
        body = json.dumps(alert.payload, separators=(",", ":"), ensure_ascii=False)
        with self.engine.begin() as connection:
            if alert.kind == "escalation" and self._recently_alerted(connection, alert, handled_at):
                return False
            connection.execute(
                deliveries.insert(),
                [
                    {
                        "alert_id": alert.id,
                        "channel": channel,
                        "kind": alert.kind,
                        "level": alert.level,
                        "conversation_id": alert.conversation_id,
                        "created_at": alert.created_at,
                        "body": body,
                        "status": DELIVERED if channel == CONSOLE_CHANNEL else PENDING,
                        "delivered_at": alert.created_at if channel == CONSOLE_CHANNEL else None,
                        "attempts": 0,
                        "next_attempt_at": alert.created_at,
                    }
                    for channel in channels
                ],
            )
        return True

    def add_once(self, message_id: str, kind: str, conversation_id: str, channel: str, body: str, now: float) -> bool:
        """Stores one delivery under a deterministic id, unless it is already there; whether it was stored.

        The unique (id, channel) key makes this exactly once across replicas and restarts.
        """
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    deliveries.insert().values(
                        alert_id=message_id,
                        channel=channel,
                        kind=kind,
                        level=None,
                        conversation_id=conversation_id,
                        created_at=now,
                        body=body,
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                    )
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def stored_ids(self, message_ids: Iterable[str]) -> set[tuple[str, str]]:
        """Which of these ids are stored already, as (id, channel) pairs."""
        ids = list(message_ids)
        if not ids:
            return set()
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(deliveries.c.alert_id, deliveries.c.channel).where(deliveries.c.alert_id.in_(ids))
            ).all()
        return {(row.alert_id, row.channel) for row in rows}

    def cancel(self, delivery: Delivery, reason: str) -> None:
        """Marks a delivery never to be sent (not an attempt)."""
        self._release(delivery, status=CANCELLED, last_error=reason[:200])

    def postpone(self, delivery: Delivery, until: float) -> None:
        """Makes a claimed delivery due again at `until` (epoch seconds) without counting an attempt."""
        self._release(delivery, next_attempt_at=until)

    def _recently_alerted(self, connection: sa.engine.Connection, alert: Alert, handled_at: float) -> bool:
        levels = LEVELS[LEVELS.index(alert.level) :] if alert.level in LEVELS else LEVELS
        repeats_since = max(alert.created_at - REPEAT_AFTER_SECONDS, handled_at)
        recent = connection.execute(
            sa.select(deliveries.c.id)
            .where(
                deliveries.c.conversation_id == alert.conversation_id,
                deliveries.c.kind == "escalation",
                deliveries.c.level.in_(levels),
                deliveries.c.created_at > repeats_since,
            )
            .limit(1)
        ).first()
        return recent is not None

    def claim(
        self, limit: int = 10, now: float | None = None, lease: float = LEASE_SECONDS, channel: str | None = None
    ) -> list[Delivery]:
        """Claims up to `limit` due deliveries (of one channel when given) for `lease` seconds.

        No other dispatcher gets them meanwhile.
        """
        now = time.time() if now is None else now
        token = secrets.token_hex(8)
        due = (
            sa.select(deliveries.c.id)
            .where(
                deliveries.c.status == PENDING,
                deliveries.c.next_attempt_at <= now,
                sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < now),
            )
            .order_by(deliveries.c.id)
            .limit(limit)
        )
        if channel is not None:
            due = due.where(deliveries.c.channel == channel)
        if self.skip_locked:
            due = due.with_for_update(skip_locked=True)
        with self.engine.begin() as connection:
            ids = [row.id for row in connection.execute(due)]
            if not ids:
                return []
            connection.execute(
                deliveries.update()
                .where(
                    deliveries.c.id.in_(ids),
                    sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < now),
                )
                .values(claimed_by=token, claimed_until=now + lease)
            )
            rows = connection.execute(
                sa.select(deliveries).where(deliveries.c.claimed_by == token).order_by(deliveries.c.id)
            ).all()
        return [
            Delivery(row.id, row.alert_id, row.channel, row.kind, row.created_at, row.attempts, row.body)
            for row in rows
        ]

    def delivered(self, delivery: Delivery, now: float | None = None) -> None:
        """Marks a delivery done."""
        self._release(
            delivery,
            status=DELIVERED,
            attempts=delivery.attempts + 1,
            delivered_at=time.time() if now is None else now,
            last_error=None,
        )

    def failed(self, delivery: Delivery, reason: str, now: float | None = None) -> str:
        """Records a failed attempt; the delivery is due again after the backoff, or expires after three days.

        Returns the new status (PENDING or EXPIRED).
        """
        now = time.time() if now is None else now
        attempts = delivery.attempts + 1
        next_attempt = now + retry_delay(attempts)
        status = EXPIRED if next_attempt > delivery.created_at + RETRY_FOR_SECONDS else PENDING
        self._release(delivery, status=status, attempts=attempts, next_attempt_at=next_attempt, last_error=reason[:200])
        return status

    def _release(self, delivery: Delivery, **values: Any) -> None:
        """Ends a dispatcher's claim on a delivery, recording the attempt's outcome."""
        with self.engine.begin() as connection:
            connection.execute(
                deliveries.update()
                .where(deliveries.c.id == delivery.row_id)
                .values(claimed_by=None, claimed_until=None, **values)
            )

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
            ).all()
        return {status: count for status, count in rows}

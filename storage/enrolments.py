"""Patients the clinic enrolled in the aftercare programme, in the conversations' database beside the outbox.

- aftercare_enrolments: first name, email and/or mobile, procedure time (UTC) and time zone, the conversation id,
  when the patient consented, the booking system's idempotency key, when and why messages stopped;
- aftercare_enrolment_messages: each scheduled message sent, by key ("welcome", "check_in:<id>", ...), channel, time;
- aftercare_enrolment_answers: when the patient answered (a time only, never what they wrote).

Only what the programme needs is stored, and `purge_ended` deletes all of it once a programme has ended for longer
than the retention period. Times are stored as epoch seconds (UTC), the same on SQLite and PostgreSQL. An enrolment
request retried with the same idempotency key returns the first enrolment; the same key with other details is
refused (IdempotencyConflict), so a booking system's bug never enrols a different patient under an old key.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from storage.database import create_tables

STOP_REASONS = ("sms_stop", "email_unsubscribe", "staff", "programme_ended")
MAX_FIRST_NAME_CHARACTERS = 100
MAX_EMAIL_CHARACTERS = 254
MAX_IDEMPOTENCY_KEY_CHARACTERS = 255

metadata = sa.MetaData()
enrolments = sa.Table(
    "aftercare_enrolments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("first_name", sa.String(MAX_FIRST_NAME_CHARACTERS), nullable=False),
    sa.Column("email", sa.String(MAX_EMAIL_CHARACTERS)),
    sa.Column("mobile", sa.String(16), index=True),
    sa.Column("procedure_time", sa.Float, nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("conversation_id", sa.String(255), nullable=False, unique=True),
    sa.Column("consented_at", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("idempotency_key", sa.String(MAX_IDEMPOTENCY_KEY_CHARACTERS), unique=True),
    sa.Column("request_digest", sa.String(64)),  # SHA-256 of the details, to tell a retry from a reused key
    sa.Column("stopped_at", sa.Float, index=True),
    sa.Column("stop_reason", sa.String(32)),
)
sent_messages = sa.Table(
    "aftercare_enrolment_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("enrolment_id", sa.String(32), nullable=False, index=True),
    sa.Column("message_key", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
answers = sa.Table(
    "aftercare_enrolment_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("enrolment_id", sa.String(32), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)


class IdempotencyConflict(ValueError):
    """The idempotency key was already used for an enrolment with other details."""


@dataclass(frozen=True)
class Enrolment:
    """One patient's programme (see the module docstring)."""

    id: str
    first_name: str
    email: str | None
    mobile: str | None
    procedure_time: datetime
    timezone: str
    conversation_id: str
    created_at: datetime
    stopped_at: datetime | None
    stop_reason: str | None


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.timestamp()


def _moment(epoch_seconds: float | None) -> datetime | None:
    return None if epoch_seconds is None else datetime.fromtimestamp(epoch_seconds, timezone.utc)


def _enrolment(row: Any) -> Enrolment:
    return Enrolment(
        id=row.id,
        first_name=row.first_name,
        email=row.email,
        mobile=row.mobile,
        procedure_time=datetime.fromtimestamp(row.procedure_time, timezone.utc),
        timezone=row.timezone,
        conversation_id=row.conversation_id,
        created_at=datetime.fromtimestamp(row.created_at, timezone.utc),
        stopped_at=_moment(row.stopped_at),
        stop_reason=row.stop_reason,
    )


def request_digest(**details: Any) -> str:
    """A fingerprint of an enrolment's details: equal for a retried request, different for other details."""
    text = json.dumps(details, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_enrolment_id() -> str:
    """A random, URL-safe enrolment id (128 bits)."""
    return secrets.token_urlsafe(16)


def connect(database_url: str) -> sa.engine.Engine:
    """An engine for the conversations' database (an SQLAlchemy URL, as aftercare/database.py gives it)."""
    options: dict[str, Any] = {"future": True}
    if database_url.startswith("sqlite"):
        # The Rasa server writes the same file: wait for its short transactions instead of failing at once.
        options["connect_args"] = {"timeout": 30}
    return sa.create_engine(database_url, **options)


class EnrolmentStore:
    """Enrolments, the messages sent to them and their answers, in one database."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        create_tables(engine, metadata)

    def enrol(
        self,
        *,
        first_name: str,
        email: str | None,
        mobile: str | None,
        procedure_time: datetime,
        timezone: str,
        consent: bool,
        idempotency_key: str | None,
        now: datetime,
        conversation_id: str | None = None,
    ) -> tuple[Enrolment, bool]:
        """Enrols a patient; returns (enrolment, True), or (the earlier enrolment, False) for a retried key.

        `conversation_id` is the conversation the patient's link and text messages join (a signed id from
        aftercare/session_ids.py, so the widget can resume it); a random one when not given. Raises ValueError
        without consent or without any channel, and IdempotencyConflict when the key was used with other details.
        """
        if consent is not True:
            raise ValueError("the patient must consent to messages")
        if not email and not mobile:
            raise ValueError("an enrolment needs an email address or a mobile number")
        digest = request_digest(
            first_name=first_name,
            email=email,
            mobile=mobile,
            procedure_time=_epoch(procedure_time),
            timezone=timezone,
        )
        if idempotency_key is not None:
            earlier = self._by_key(idempotency_key, digest)
            if earlier is not None:
                return earlier, False
        row = {
            "id": new_enrolment_id(),
            "first_name": first_name,
            "email": email or None,
            "mobile": mobile or None,
            "procedure_time": _epoch(procedure_time),
            "timezone": timezone,
            "conversation_id": conversation_id or secrets.token_hex(16),
            "consented_at": _epoch(now),
            "created_at": _epoch(now),
            "idempotency_key": idempotency_key,
            "request_digest": digest,
            "stopped_at": None,
            "stop_reason": None,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(enrolments.insert().values(**row))
        except sa.exc.IntegrityError:
            # Another request with the same key got there first: its enrolment stands.
            earlier = self._by_key(idempotency_key, digest) if idempotency_key is not None else None
            if earlier is None:
                raise
            return earlier, False
        created = self.get(row["id"])
        assert created is not None
        return created, True

    def _by_key(self, idempotency_key: str, digest: str) -> Enrolment | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(enrolments).where(enrolments.c.idempotency_key == idempotency_key)
            ).first()
        if row is None:
            return None
        if row.request_digest != digest:
            raise IdempotencyConflict("this Idempotency-Key was already used for an enrolment with other details")
        return _enrolment(row)

    def _one(self, *conditions: Any) -> Enrolment | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(enrolments).where(*conditions).order_by(enrolments.c.created_at.desc()).limit(1)
            ).first()
        return None if row is None else _enrolment(row)

    def get(self, enrolment_id: str) -> Enrolment | None:
        """The enrolment with this id, or None."""
        return self._one(enrolments.c.id == enrolment_id)

    def by_conversation(self, conversation_id: str) -> Enrolment | None:
        """The enrolment whose patient talks in this conversation, or None."""
        return self._one(enrolments.c.conversation_id == conversation_id)

    def by_mobile(self, mobile: str) -> Enrolment | None:
        """The latest enrolment for this mobile number (E.164), or None."""
        return self._one(enrolments.c.mobile == mobile)

    def all(self) -> list[Enrolment]:
        """Every stored enrolment, the latest first (the console's patient list)."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(enrolments).order_by(enrolments.c.created_at.desc())).all()
        return [_enrolment(row) for row in rows]

    def active(self, now: datetime) -> list[Enrolment]:
        """The enrolments whose messages have not stopped, the oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(enrolments).where(enrolments.c.stopped_at.is_(None)).order_by(enrolments.c.created_at)
            ).all()
        return [_enrolment(row) for row in rows]

    def stop(self, enrolment_id: str, reason: str, now: datetime) -> None:
        """Stops every message to this enrolment; stopping again keeps the first time and reason."""
        if reason not in STOP_REASONS:
            raise ValueError(f"stop reason must be one of {STOP_REASONS}, not {reason!r}")
        with self.engine.begin() as connection:
            connection.execute(
                enrolments.update()
                .where(enrolments.c.id == enrolment_id, enrolments.c.stopped_at.is_(None))
                .values(stopped_at=_epoch(now), stop_reason=reason)
            )

    def record_sent(self, enrolment_id: str, message_key: str, channel: str, at: datetime) -> None:
        """Records that a scheduled message went out on a channel."""
        with self.engine.begin() as connection:
            connection.execute(
                sent_messages.insert().values(
                    enrolment_id=enrolment_id, message_key=message_key, channel=channel, at=_epoch(at)
                )
            )

    def record_answer(self, enrolment_id: str, at: datetime) -> None:
        """Records that the patient answered (when, not what)."""
        with self.engine.begin() as connection:
            connection.execute(answers.insert().values(enrolment_id=enrolment_id, at=_epoch(at)))

    def history(self, enrolment_id: str) -> list[tuple[str, str, datetime]]:
        """The messages sent to this enrolment, oldest first: (message key, channel, when)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(sent_messages.c.message_key, sent_messages.c.channel, sent_messages.c.at)
                .where(sent_messages.c.enrolment_id == enrolment_id)
                .order_by(sent_messages.c.at, sent_messages.c.id)
            ).all()
        return [(row.message_key, row.channel, datetime.fromtimestamp(row.at, timezone.utc)) for row in rows]

    def last_answer(self, enrolment_id: str) -> datetime | None:
        """When the patient last answered, or None if they never did."""
        with self.engine.connect() as connection:
            latest = connection.execute(
                sa.select(sa.func.max(answers.c.at)).where(answers.c.enrolment_id == enrolment_id)
            ).scalar()
        return _moment(latest)

    def purge_ended(self, now: datetime, retention_days: int) -> int:
        """Deletes everything stored about programmes that stopped more than `retention_days` ago; how many."""
        cutoff = _epoch(now - timedelta(days=retention_days))
        with self.engine.begin() as connection:
            ended = sa.select(enrolments.c.id).where(
                enrolments.c.stopped_at.is_not(None), enrolments.c.stopped_at < cutoff
            )
            ids = [row.id for row in connection.execute(ended)]
            if not ids:
                return 0
            connection.execute(sent_messages.delete().where(sent_messages.c.enrolment_id.in_(ids)))
            connection.execute(answers.delete().where(answers.c.enrolment_id.in_(ids)))
            connection.execute(enrolments.delete().where(enrolments.c.id.in_(ids)))
        return len(ids)

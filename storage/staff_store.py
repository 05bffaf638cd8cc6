"""The console's tables, in the conversations' database (TRACKER_STORE_URL) beside Rasa's `events` table.

| table | what |
|---|---|
| aftercare_staff_accounts | email, name, argon2 hash, sign-ins in a row (failed or being checked), locked until |
| aftercare_staff_sessions | the SHA-256 of each session token (never the token), its account, start and last use |
| aftercare_staff_audit | who signed in, opened, replied to, handed back or closed which conversation, and when |
| aftercare_handoffs | per conversation: whether a person is answering now, last staff reply, handled by/at/note |
| aftercare_staff_replies | what staff wrote, until the patient's socket.io channel delivered it (delivered_at) |

Every replica and process opens the same database: the console writes replies and handoffs, the actions read
whether a person is answering, and each Rasa replica's socket.io channel claims the replies for the sockets it
holds (a short lease, so two replicas never send the same reply, and a replica that dies mid-send leaves it to
the next). Staff replies are health conversation content: they are never logged.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from aftercare.staff.inbox import (
    Handoff,
    InboxEntry,
    TranscriptLine,
    build_inbox,
    latest_procedure_time,
    transcript_line,
)
from aftercare.staff.security import Lockout, new_session_token, session_is_current, session_key
from storage import outbox
from storage.check_ins import check_in_answers
from storage.database import create_tables

MAX_REPLY_CHARACTERS = 2000
MAX_NOTE_CHARACTERS = 1000
DELIVERY_LEASE_SECONDS = 30.0
# A session's last use is written at most this often: on SQLite every write waits for the Rasa server's.
LAST_SEEN_PRECISION_SECONDS = 30.0
AUDIT_ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "open",
    "reply",
    "return_to_assistant",
    "handled",
)

metadata = sa.MetaData()
accounts = sa.Table(
    "aftercare_staff_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    sa.Column("created_at", sa.Float, nullable=False),
)
sessions = sa.Table(
    "aftercare_staff_sessions",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.Integer, nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
)
audit_log = sa.Table(
    "aftercare_staff_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("staff_id", sa.Integer),
    sa.Column("staff_email", sa.String(254), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("conversation_id", sa.String(255), index=True),
)
handoffs = sa.Table(
    "aftercare_handoffs",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("active", sa.Boolean, nullable=False, default=False),
    sa.Column("staff_name", sa.String(100), nullable=False, default=""),
    sa.Column("replied_at", sa.Float, nullable=False, default=0.0),
    sa.Column("handled_at", sa.Float, nullable=False, default=0.0),
    sa.Column("handled_by", sa.String(100), nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
)
replies = sa.Table(
    "aftercare_staff_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("staff_id", sa.Integer, nullable=False),
    sa.Column("staff_name", sa.String(100), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("claimed_until", sa.Float),
    sa.Column("delivered_at", sa.Float, index=True),
)
# Rasa's SQL tracker store's table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent): read only.
events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)


@dataclass(frozen=True)
class Account:
    """A staff member who may sign in."""

    id: int
    email: str
    name: str
    password_hash: str
    lockout: Lockout


@dataclass(frozen=True)
class StaffReply:
    """A reply written in the console, waiting for (or past) delivery to the patient."""

    id: int
    conversation_id: str
    staff_name: str
    text: str
    created_at: float
    delivered_at: float | None


def connect(database_url: str) -> sa.engine.Engine:
    """An engine for the conversations' database with the outbox's and the console's tables created if missing."""
    engine = outbox.connect(database_url)
    create_tables(engine, metadata)
    return engine


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _account(row: Any) -> Account:
    return Account(row.id, row.email, row.name, row.password_hash, Lockout(row.failures, row.locked_until))


class StaffStore:
    """The console's tables and what it reads of the outbox and of Rasa's events (module docstring)."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    # ---- Accounts and sessions ------------------------------------------------------------------------------

    def save_account(self, email: str, name: str, password_hash: str, now: float | None = None) -> bool:
        """Creates the account, or sets a new name and password (and unlocks it); True when it was created."""
        email = normalise_email(email)
        with self.engine.begin() as connection:
            existing = connection.execute(sa.select(accounts.c.id).where(accounts.c.email == email)).first()
            values = {"name": name.strip(), "password_hash": password_hash, "failures": 0, "locked_until": 0.0}
            if existing:
                connection.execute(accounts.update().where(accounts.c.id == existing.id).values(**values))
                connection.execute(sessions.delete().where(sessions.c.staff_id == existing.id))
                return False
            connection.execute(accounts.insert().values(email=email, created_at=now or time.time(), **values))
            return True

    def account_by_email(self, email: str) -> Account | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(accounts).where(accounts.c.email == normalise_email(email))).first()
        return _account(row) if row else None

    def count_sign_in_attempt(self, account_id: int, now: float) -> int | None:
        """Counts a sign-in attempt before its password is checked; its number in the row, or None while locked.

        One UPDATE increments the count in the database, so simultaneous attempts (in this process or another) get
        the numbers 1, 2, 3... and security.attempt_is_checked decides from that number alone.
        """
        with self.engine.begin() as connection:
            counted = connection.execute(
                accounts.update()
                .where(accounts.c.id == account_id, accounts.c.locked_until <= now)
                .values(failures=accounts.c.failures + 1)
            )
            if counted.rowcount != 1:
                return None
            # The row stays locked for this transaction, so this reads this attempt's own count.
            return int(connection.execute(sa.select(accounts.c.failures).where(accounts.c.id == account_id)).scalar())

    def lock_account(self, account_id: int, until: float) -> None:
        """Refuses the account's sign-ins until `until`; its count starts again from 0."""
        with self.engine.begin() as connection:
            connection.execute(
                accounts.update().where(accounts.c.id == account_id).values(failures=0, locked_until=until)
            )

    def sign_in_succeeded(self, account_id: int) -> None:
        """Clears the account's count of attempts (and a lock made while this attempt was being checked)."""
        with self.engine.begin() as connection:
            connection.execute(
                accounts.update().where(accounts.c.id == account_id).values(failures=0, locked_until=0.0)
            )

    def set_password_hash(self, account: Account, password_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(accounts.update().where(accounts.c.id == account.id).values(password_hash=password_hash))

    def open_session(self, account: Account, now: float | None = None) -> str:
        """A new session for the account; the token for its cookie (only its hash is stored)."""
        now = time.time() if now is None else now
        token = new_session_token()
        with self.engine.begin() as connection:
            connection.execute(
                sessions.insert().values(key=session_key(token), staff_id=account.id, created_at=now, last_seen_at=now)
            )
        return token

    def session_account(self, token: str | None, now: float | None = None, active: bool = True) -> Account | None:
        """The account a current session token belongs to, else None.

        `active`: the staff member did something (opened a page, sent a form), which keeps the session from idling
        out; a page's own live updates pass False, so a console left open still signs out after an idle hour.
        """
        if not token:
            return None
        now = time.time() if now is None else now
        key = session_key(token)
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(sessions, accounts)
                .join(accounts, accounts.c.id == sessions.c.staff_id)
                .where(sessions.c.key == key)
            ).first()
            if row is None:
                return None
            if not session_is_current(row.created_at, row.last_seen_at, now):
                connection.execute(sessions.delete().where(sessions.c.key == key))
                return None
            if active and now - row.last_seen_at >= LAST_SEEN_PRECISION_SECONDS:
                connection.execute(sessions.update().where(sessions.c.key == key).values(last_seen_at=now))
        return Account(row.staff_id, row.email, row.name, row.password_hash, Lockout(row.failures, row.locked_until))

    def close_session(self, token: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sessions.delete().where(sessions.c.key == session_key(token)))

    # ---- Audit log ------------------------------------------------------------------------------------------

    def audit(self, action: str, email: str, staff_id: int | None = None, conversation_id: str | None = None) -> None:
        """Records who did what to which conversation, now."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"audit action must be one of {AUDIT_ACTIONS}, not {action!r}")
        with self.engine.begin() as connection:
            connection.execute(
                audit_log.insert().values(
                    at=time.time(),
                    staff_id=staff_id,
                    staff_email=normalise_email(email)[:254],
                    action=action,
                    conversation_id=conversation_id,
                )
            )

    def audit_entries(
        self,
        conversation_id: str | None = None,
        limit: int = 200,
        before: int | None = None,
        action: str | None = None,
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first: up to `limit` of them.

        Only those older than the entry id `before`, of one conversation, of one action, when given.
        """
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if conversation_id is not None:
            query = query.where(audit_log.c.conversation_id == conversation_id)
        if before is not None:
            query = query.where(audit_log.c.id < before)
        if action is not None:
            query = query.where(audit_log.c.action == action)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    # ---- Inbox and transcripts ------------------------------------------------------------------------------

    def inbox(self, limit: int = 500, only: str | None = None) -> list[InboxEntry]:
        """Every conversation with an alert (the `limit` with the latest ones) or a check-in answer; or just `only`."""
        table = outbox.deliveries
        with self.engine.connect() as connection:
            recent = (
                sa.select(table.c.conversation_id)
                .where(table.c.kind != outbox.PATIENT_MESSAGE)
                .group_by(table.c.conversation_id)
                .order_by(sa.func.max(table.c.created_at).desc())
                .limit(limit)
            )
            if only is not None:
                recent = recent.where(table.c.conversation_id == only)
            ids = [row.conversation_id for row in connection.execute(recent)]
            check_ins = check_in_answers(self.engine, None if only is None else [only])
            ids += [conversation for conversation in check_ins if conversation not in ids]
            if not ids:
                return []
            columns = (table.c.alert_id, table.c.kind, table.c.level, table.c.conversation_id, table.c.created_at)
            rows = connection.execute(
                sa.select(*columns, table.c.body).where(
                    table.c.conversation_id.in_(ids), table.c.kind != outbox.PATIENT_MESSAGE
                )
            ).all()
            found = {
                row.conversation_id: _handoff(row)
                for row in connection.execute(sa.select(handoffs).where(handoffs.c.conversation_id.in_(ids)))
            }
        entries = build_inbox([dict(row._mapping) for row in rows], found, check_ins)
        times = self.procedure_times(ids)
        for entry in entries:
            entry.procedure_time = times.get(entry.conversation_id)
        return entries

    def procedure_times(self, conversation_ids: Iterable[str]) -> dict[str, Any]:
        """Each conversation's latest procedure time (datetime), from its slot events."""
        ids = list(conversation_ids)
        by_conversation: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.sender_id, events.c.data)
                .where(events.c.sender_id.in_(ids), events.c.type_name == "slot")
                .order_by(events.c.id)
            )
            for row in rows:
                by_conversation.setdefault(row.sender_id, []).append(row.data)
        return {sender: latest_procedure_time(datas) for sender, datas in by_conversation.items()}

    def transcript(self, conversation_id: str, after_event_id: int = 0) -> list[TranscriptLine]:
        """The patient's, the assistant's and staff messages of a conversation after an event id, in order."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.id, events.c.type_name, events.c.data)
                .where(
                    events.c.sender_id == conversation_id,
                    events.c.type_name.in_(("user", "bot")),
                    events.c.id > after_event_id,
                )
                .order_by(events.c.id)
            )
            lines = [transcript_line(row.id, row.type_name, row.data) for row in rows]
        return [line for line in lines if line is not None]

    def has_conversation(self, conversation_id: str) -> bool:
        """Whether the conversation has an alert (the console shows no other conversation)."""
        table = outbox.deliveries
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table.c.id).where(table.c.conversation_id == conversation_id).limit(1)
            ).first()
        return row is not None

    # ---- Handoffs and replies -------------------------------------------------------------------------------

    def handoff(self, conversation_id: str) -> Handoff | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(handoffs).where(handoffs.c.conversation_id == conversation_id)).first()
        return _handoff(row) if row else None

    def person_is_answering(self, conversation_id: str) -> Handoff | None:
        """The active handoff of a conversation (a person from the clinic is answering the patient), else None."""
        found = self.handoff(conversation_id)
        return found if found and found.active else None

    def _set_handoff(self, connection: sa.engine.Connection, conversation_id: str, **values: Any) -> None:
        updated = connection.execute(
            handoffs.update().where(handoffs.c.conversation_id == conversation_id).values(**values)
        )
        if updated.rowcount == 0:
            defaults = {"active": False, "staff_name": "", "replied_at": 0.0, "handled_at": 0.0}
            defaults |= {"handled_by": "", "note": ""}
            connection.execute(handoffs.insert().values(conversation_id=conversation_id, **{**defaults, **values}))

    def add_reply(self, conversation_id: str, account: Account, text: str, now: float | None = None) -> int:
        """Stores a staff reply for delivery and makes the staff member the person answering; the reply's id."""
        text = text.strip()
        if not text or len(text) > MAX_REPLY_CHARACTERS:
            raise ValueError(f"a reply must be 1 to {MAX_REPLY_CHARACTERS} characters")
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            result = connection.execute(
                replies.insert().values(
                    conversation_id=conversation_id,
                    staff_id=account.id,
                    staff_name=account.name,
                    text=text,
                    created_at=now,
                )
            )
            self._set_handoff(connection, conversation_id, active=True, staff_name=account.name, replied_at=now)
        return int(result.inserted_primary_key[0])

    def return_to_assistant(self, conversation_id: str) -> None:
        """The assistant answers again; the conversation stays in progress."""
        with self.engine.begin() as connection:
            self._set_handoff(connection, conversation_id, active=False)

    def mark_handled(self, conversation_id: str, account: Account, note: str = "", now: float | None = None) -> None:
        """Closes the conversation: handled by this staff member, with an optional note; the assistant answers."""
        now = time.time() if now is None else now
        note = note.strip()[:MAX_NOTE_CHARACTERS]
        with self.engine.begin() as connection:
            self._set_handoff(
                connection, conversation_id, active=False, handled_at=now, handled_by=account.name, note=note
            )

    def replies_for(self, conversation_id: str) -> list[StaffReply]:
        """Every staff reply of a conversation, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(replies).where(replies.c.conversation_id == conversation_id).order_by(replies.c.id)
            )
            return [_reply(row) for row in rows]

    def undelivered_replies(self, conversation_ids: Iterable[str], now: float | None = None) -> list[StaffReply]:
        """Replies not yet delivered to these conversations (and not claimed by a replica now), oldest first."""
        ids = list(conversation_ids)
        if not ids:
            return []
        now = time.time() if now is None else now
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(replies)
                .where(
                    replies.c.conversation_id.in_(ids),
                    replies.c.delivered_at.is_(None),
                    sa.or_(replies.c.claimed_until.is_(None), replies.c.claimed_until < now),
                )
                .order_by(replies.c.id)
            )
            return [_reply(row) for row in rows]

    def claim_reply(self, reply: StaffReply, now: float | None = None, lease: float = DELIVERY_LEASE_SECONDS) -> bool:
        """Claims a reply for delivery by this replica; False when another one has it or it was delivered."""
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            result = connection.execute(
                replies.update()
                .where(
                    replies.c.id == reply.id,
                    replies.c.delivered_at.is_(None),
                    sa.or_(replies.c.claimed_until.is_(None), replies.c.claimed_until < now),
                )
                .values(claimed_until=now + lease)
            )
        return result.rowcount == 1

    def reply_delivered(self, reply: StaffReply, now: float | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                replies.update()
                .where(replies.c.id == reply.id)
                .values(delivered_at=time.time() if now is None else now, claimed_until=None)
            )


def _handoff(row: Any) -> Handoff:
    return Handoff(
        row.conversation_id, bool(row.active), row.staff_name, row.replied_at, row.handled_at, row.handled_by, row.note
    )


def _reply(row: Any) -> StaffReply:
    return StaffReply(row.id, row.conversation_id, row.staff_name, row.text, row.created_at, row.delivered_at)

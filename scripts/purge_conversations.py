"""Deletes patients' conversations from the SQL tracker store: the retention rule, or one patient on request.

    .venv/bin/python -m scripts.purge_conversations --days 30        # idle for more than 30 days
    .venv/bin/python -m scripts.purge_conversations --sender ID      # one conversation, whatever its age
    PURGE_SENDER=ID .venv/bin/python -m scripts.purge_conversations --from-environment
    (make purge-conversations DAYS=30 / SENDER=ID, which passes them as PURGE_DAYS / PURGE_SENDER)

A conversation's last activity is its newest event. Everything Rasa stored for it goes: messages, the
procedure time, the escalation level. The store is TRACKER_STORE_URL (the Rasa server's), SQLite or
PostgreSQL; --dry-run only counts. On SQLite the deleted rows are overwritten (secure_delete); on PostgreSQL
they disappear from disk at the next VACUUM. Safe while the Rasa server runs: a conversation that is deleted
mid-way simply starts again.

The retention rule (--days) also deletes everything stored about enrolled patients whose aftercare programme ended
(stopped, unsubscribed, or over) more than `programme: retention_days` ago (clinic.yml; 60 days when absent).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from aftercare.clinic import clinic_file
from aftercare.yaml_files import ConfigError, read_yaml_mapping
from storage.database import database_url
from storage.retention import open_store, purge_ended_enrolments, purge_idle, purge_sender

# --from-environment: how the Makefile hands over what was typed, without a shell in between.
DAYS_VARIABLE = "PURGE_DAYS"
SENDER_VARIABLE = "PURGE_SENDER"
DEFAULT_RETENTION_DAYS = 60
USAGE = "usage: make purge-conversations DAYS=30  or  make purge-conversations SENDER=<id>"


def programme_retention_days(clinic_path: Path) -> int:
    """clinic.yml's `programme: retention_days` (a whole number of days, 0 or more), else 60."""
    programme = read_yaml_mapping(clinic_path).get("programme") or {}
    days = programme.get("retention_days", DEFAULT_RETENTION_DAYS) if isinstance(programme, dict) else None
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError(f"{clinic_path}: programme.retention_days must be a whole number of days (0 or more)")
    return days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--days", type=float, help="delete conversations idle for more than this many days")
    which.add_argument("--sender", help="delete this conversation (the sender / session id)")
    which.add_argument(
        "--from-environment",
        action="store_true",
        help=f"take the days from {DAYS_VARIABLE} or the sender id, exactly as given, from {SENDER_VARIABLE}",
    )
    parser.add_argument(
        "--url",
        default=database_url(os.environ),
        help="the tracker store (default: TRACKER_STORE_URL, or the POSTGRES_* settings of deploy/)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    args = parser.parse_args(argv)
    if args.from_environment:
        days, sender = os.environ.get(DAYS_VARIABLE, ""), os.environ.get(SENDER_VARIABLE, "")
        if bool(days) == bool(sender):
            parser.exit(2, f"{USAGE}\n")
        try:
            args.days, args.sender = (float(days) if days else None), (sender or None)
        except ValueError:
            parser.error(f"DAYS must be a number of days, not {days!r}")
    if args.days is not None and args.days < 0:
        parser.error("--days must be 0 or more")
    if args.sender is not None and not args.sender.strip():
        parser.error("--sender must not be empty")

    database = sa.engine.make_url(args.url).database
    if sa.engine.make_url(args.url).get_backend_name() == "sqlite" and database and not os.path.exists(database):
        print(f"No tracker store at {database}: nothing to delete.")
        return 0
    engine = open_store(args.url)
    try:
        if args.days is not None:
            purged = purge_idle(engine, args.days, dry_run=args.dry_run)
            what = f"conversations idle for more than {args.days:g} days"
            if not args.dry_run:
                retention_days = programme_retention_days(clinic_file())
                ended = purge_ended_enrolments(engine, retention_days)
                print(f"Deleted {ended} enrolments whose programme ended more than {retention_days} days ago.")
        else:
            purged = purge_sender(engine, args.sender, dry_run=args.dry_run)
            if not purged.conversations:
                print("No conversation with that sender id: nothing to delete.")
                return 0
            what = "conversation with that sender id"
    except ConfigError as error:
        print(f"Could not purge enrolments: {error}", file=sys.stderr)
        return 1
    except sa.exc.SQLAlchemyError as error:
        print(f"Could not purge the tracker store: {error.__class__.__name__}: {error.orig or error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    verb = "Would delete" if args.dry_run else "Deleted"
    print(f"{verb} {purged.conversations} {what} ({purged.events} stored events).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

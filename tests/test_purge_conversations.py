"""Retention and deletion on request (scripts/purge_conversations.py), on a real Rasa SQL tracker store."""

import asyncio
import sqlite3
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from scripts.purge_conversations import main
from storage.retention import open_store, purge_idle, purge_sender

DAY = 86400
NOW = time.time()


def conversation(sender: str, last_activity: float) -> DialogueStateTracker:
    """A short conversation whose newest event is at `last_activity`, its first a day before."""
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen", timestamp=last_activity - DAY),
            UserUttered(f"{sender} can I wear make-up?", timestamp=last_activity - DAY),
            SlotSet("procedure_time", "2026-11-28T17:00:00Z", timestamp=last_activity - DAY + 1),
            BotUttered("Not yet", timestamp=last_activity - DAY + 2),
            UserUttered(f"{sender} there is pus", timestamp=last_activity),
            SlotSet("escalation", "injector", timestamp=last_activity),
        ],
    )


@pytest.fixture
def store(tmp_path):
    """A SQLite tracker store holding conversations idle for 2, 29, 31 and 400 days."""
    path = tmp_path / "conversations.db"
    tracker_store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{path}")
    for sender, days in [("recent", 2), ("month", 29), ("stale", 31), ("ancient", 400)]:
        asyncio.run(tracker_store.save(conversation(sender, NOW - days * DAY)))
    tracker_store.engine.dispose()
    return path


def senders(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {sender for (sender,) in connection.execute("SELECT DISTINCT sender_id FROM events")}


def test_conversations_idle_for_longer_than_the_retention_are_deleted(store):
    engine = open_store(f"sqlite:///{store}")
    purged = purge_idle(engine, 30, now=NOW)
    assert purged.conversations == 2 and purged.events == 12
    assert senders(store) == {"recent", "month"}
    # What is left is intact for Rasa.
    tracker = asyncio.run(SQLTrackerStore(Domain.empty(), host=f"sqlite:///{store}").retrieve("month"))
    assert tracker.latest_message.text == "month there is pus" and len(tracker.events) == 6


def test_activity_counts_from_the_newest_event_not_the_first(store):
    engine = open_store(f"sqlite:///{store}")
    # "month" began 30 days ago but was last active 29 days ago: kept at 30 days.
    assert purge_idle(engine, 29.5, now=NOW).conversations == 2
    assert "month" in senders(store)


def test_a_dry_run_only_counts(store):
    engine = open_store(f"sqlite:///{store}")
    assert purge_idle(engine, 30, now=NOW, dry_run=True).conversations == 2
    assert senders(store) == {"recent", "month", "stale", "ancient"}


def test_one_patients_conversation_is_deleted_on_request(store):
    engine = open_store(f"sqlite:///{store}")
    purged = purge_sender(engine, "recent")
    assert (purged.conversations, purged.events) == (1, 6)
    assert senders(store) == {"month", "stale", "ancient"}
    assert purge_sender(engine, "nobody").conversations == 0


def test_deleted_text_is_overwritten_in_the_sqlite_file(store):
    purge_sender(open_store(f"sqlite:///{store}"), "recent")
    assert b"recent can I wear make-up?" not in store.read_bytes()


def test_the_command_reports_how_many(store, capsys):
    assert main(["--days", "30", "--url", f"sqlite:///{store}"]) == 0
    assert "Deleted 2 conversations idle for more than 30 days (12 stored events)." in capsys.readouterr().out
    assert main(["--sender", "recent", "--url", f"sqlite:///{store}"]) == 0
    assert "Deleted 1 conversation with that sender id (6 stored events)." in capsys.readouterr().out
    assert main(["--sender", "recent", "--url", f"sqlite:///{store}"]) == 0
    assert "No conversation with that sender id" in capsys.readouterr().out


def test_a_missing_database_is_not_created(tmp_path, capsys):
    assert main(["--days", "30", "--url", f"sqlite:///{tmp_path / 'none.db'}"]) == 0
    assert "nothing to delete" in capsys.readouterr().out
    assert not (tmp_path / "none.db").exists()

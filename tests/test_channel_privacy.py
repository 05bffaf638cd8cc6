"""channels.privacy: the tracker store's SQLite file is for its owner only, including one that existed before."""

import asyncio
import logging
import os
import sqlite3
import stat

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.privacy import protect_this_process


@pytest.fixture
def protected_process():
    previous = os.umask(0o022)
    os.umask(previous)
    protect_this_process()
    yield
    os.umask(previous)
    logging.captureWarnings(False)


def store_a_message(path) -> None:
    tracker_store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{path}")
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events("anna", [UserUttered("there is pus")])))
    tracker_store.engine.dispose()


def test_a_database_the_tracker_store_creates_is_for_its_owner_only(tmp_path, protected_process):
    store_a_message(tmp_path / "conversations.db")
    assert stat.S_IMODE((tmp_path / "conversations.db").stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private_when_opened(tmp_path, protected_process):
    path = tmp_path / "conversations.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    store_a_message(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

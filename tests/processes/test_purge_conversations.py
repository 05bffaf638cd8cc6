"""`make purge-conversations` as a clinic types it: a hostile sender id deletes one conversation and runs nothing."""

import asyncio
import os
import subprocess
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from tests.test_purge_conversations import NOW, conversation, senders

ROOT = Path(__file__).resolve().parents[2]
VENV_STAMP = ".venv/.installed"


# Sender ids are chosen by whoever calls the webhook: each of these once ran its command through the
# Makefile's shell line or make's own expansion.
HOSTILE_SENDERS = [
    "x'; touch {side_effect}; #",
    '"; touch {side_effect}; "',
    "$(touch {side_effect})",
    "$(shell touch {side_effect})",
    "$$(touch {side_effect})",
    "`touch {side_effect}`",
    "x\ntouch {side_effect}",
]


def run_make(*arguments: str, url: str) -> subprocess.CompletedProcess:
    # --assume-old: the test must not reinstall the venv it runs in when requirements.txt looks newer.
    command = ["make", "--no-print-directory", f"--assume-old={VENV_STAMP}", "purge-conversations", *arguments]
    environment = {**os.environ, "TRACKER_STORE_URL": url}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("template", HOSTILE_SENDERS)
def test_make_deletes_exactly_the_conversation_of_a_hostile_sender_id_and_runs_nothing(tmp_path, template):
    side_effect = tmp_path / "pwned"
    hostile = template.format(side_effect=side_effect)
    path = tmp_path / "conversations.db"
    tracker_store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{path}")
    for sender in (hostile, "x", "recent"):
        asyncio.run(tracker_store.save(conversation(sender, NOW)))
    tracker_store.engine.dispose()

    done = run_make(f"SENDER={hostile}", url=f"sqlite:///{path}")

    assert done.returncode == 0, done.stderr
    assert "Deleted 1 conversation with that sender id (6 stored events)." in done.stdout
    assert not side_effect.exists(), "the sender id ran a command"
    assert senders(path) == {"x", "recent"}


def test_make_without_days_or_sender_shows_the_usage(tmp_path):
    done = run_make(url=f"sqlite:///{tmp_path / 'none.db'}")
    assert done.returncode == 2 and "usage: make purge-conversations DAYS=30" in done.stdout + done.stderr

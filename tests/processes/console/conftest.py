"""A real console process (`python -m console`) on a fresh SQLite database holding alerts and Rasa events."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.processes import ManagedProcess
from storage.outbox import Outbox, new_alert
from storage.staff_store import StaffStore, connect
from tests.processes.console.client import Browser

ROOT = Path(__file__).resolve().parents[3]
PORT = int(os.environ.get("CONSOLE_TESTS_PORT", "8392"))
EMAIL, NAME, PASSWORD = "nurse@example.org", "Nurse Jo", "correct-horse-42"
EMERGENCY, WARNING, CALLBACK = "a" * 32 + ".emergency", "b" * 32 + ".warning", "c" * 32 + ".callback"
EVENTS_TABLE = """CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def add_event(database: Path, sender: str, type_name: str, **data: object) -> None:
    """Writes one event as Rasa's SQL tracker store does."""
    data.setdefault("timestamp", time.time())
    with sqlite3.connect(database) as connection:
        connection.execute(EVENTS_TABLE)
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            (sender, type_name, data["timestamp"], json.dumps({"event": type_name, **data})),
        )


@pytest.fixture(scope="session")
def console(tmp_path_factory):
    """The console's URL, its database file and store; a warning sign, an emergency and a callback are in it."""
    workdir = tmp_path_factory.mktemp("console")
    database = workdir / "conversations.db"
    url = f"sqlite:///{database}"
    engine = connect(url)
    store = StaffStore(engine)
    outbox = Outbox(engine)
    now = time.time()
    add_event(database, WARNING, "slot", name="procedure_time", value="2026-11-27T14:00:00Z")
    add_event(database, WARNING, "user", text="there is yellow crust on my cheek", timestamp=now - 600)
    add_event(database, WARNING, "bot", text="What you describe is a warning sign.", timestamp=now - 599)
    add_event(database, WARNING, "bot", text=None, data={"custom": {"escalation": "injector"}}, timestamp=now - 599)
    for conversation, kind, level, age in ((WARNING, "escalation", "injector", 600), (CALLBACK, "callback", None, 60)):
        details = (
            {"callback": {"name": "Anna", "phone": "555 010 2030", "time": "after 5pm"}} if level is None else None
        )
        outbox.add(new_alert(kind, level, conversation, "http://x", details, now=now - age), ["console"])
    outbox.add(new_alert("escalation", "emergency", EMERGENCY, "http://x", now=now - 3600), ["console", "webhook"])
    env = {**os.environ, "TRACKER_STORE_URL": url, "CONSOLE_PORT": str(PORT), "STAFF_EMAIL": EMAIL}
    env |= {"STAFF_NAME": NAME, "STAFF_PASSWORD": PASSWORD}
    subprocess.run([sys.executable, "-m", "console.accounts"], cwd=ROOT, env=env, check=True, capture_output=True)
    process = ManagedProcess("console", [sys.executable, "-m", "console"], workdir / "console.log", env=env).start()
    try:
        process.wait_for_url(f"http://127.0.0.1:{PORT}/health", limit=60)
        yield {"url": f"http://127.0.0.1:{PORT}", "database": database, "store": store, "log": workdir / "console.log"}
    finally:
        process.stop()


@pytest.fixture
def browser(console):
    return Browser(console["url"])


@pytest.fixture
def signed_in(browser):
    answer = browser.sign_in(EMAIL, PASSWORD)
    assert answer.status == 303 and answer.location == "/", answer.body
    return browser

"""A staff reply written in the real console reaches a REST conversation with the patient's next message."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from scripts.processes import ROOT, ManagedProcess
from storage.staff_store import StaffStore, connect
from tests.alerts.receivers import free_port
from tests.processes.console.client import Browser

EMAIL, NAME, PASSWORD = "nurse@example.org", "Nurse Jo", "correct-horse-42"
STAFF_TEXT = "Hello, this is Jo from the clinic: please send us a photo of the bruise."


@pytest.fixture(scope="module")
def console(servers, tmp_path_factory):
    """The staff console on the servers' database, signed in as a staff member."""
    port = free_port()
    env = {**servers.env, "CONSOLE_PORT": str(port), "STAFF_EMAIL": EMAIL, "STAFF_NAME": NAME}
    env |= {"STAFF_PASSWORD": PASSWORD}
    subprocess.run([sys.executable, "-m", "console.accounts"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = tmp_path_factory.mktemp("console") / "console.log"
    process = ManagedProcess("console", [sys.executable, "-m", "console"], log, env=env).start()
    try:
        process.wait_for_url(f"http://127.0.0.1:{port}/health", limit=60)
        browser = Browser(f"http://127.0.0.1:{port}")
        assert browser.sign_in(EMAIL, PASSWORD).status == 303
        yield browser
    finally:
        process.stop()


def conversation_log(servers, sender: str) -> list[tuple[str, str | None, str | None]]:
    """The patient's and the bot's messages in the tracker store: (event, text, staff member), in order."""
    with sqlite3.connect(servers.database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name IN ('user', 'bot') ORDER BY id", (sender,)
        ).fetchall()
    events = [json.loads(data) for (data,) in rows]
    return [(event["event"], event.get("text"), (event.get("metadata") or {}).get("from_staff")) for event in events]


def test_a_console_reply_comes_first_in_the_answer_to_the_patients_next_rest_message(servers, console):
    sender = "patient-rest-staff-reply"
    servers.send(sender, "I had my treatment 12 days ago")
    servers.send(sender, "I still have a bruise")  # a warning sign: the conversation is in the console's inbox

    page = console.get(f"/conversations/{sender}")
    assert page.status == 200, page.body
    assert console.post(f"/conversations/{sender}/reply", {"csrf_token": page.csrf(), "text": STAFF_TEXT}).status == 303

    replies = servers.send(sender, "ok, thank you")
    assert replies[0]["text"] == STAFF_TEXT
    assert replies[0]["custom"] == {"from_staff": NAME, "clinic": "Glow Skin Clinic"}
    assert replies[1:] and not any("custom" in message for message in replies[1:])  # then the assistant's answer

    # Recorded in the conversation as from the staff member, before the message it was delivered with.
    log = conversation_log(servers, sender)
    patient_message = log.index(("user", "ok, thank you", None))
    assert log[patient_message - 1] == ("bot", STAFF_TEXT, NAME)
    (reply,) = StaffStore(connect(f"sqlite:///{servers.database}")).replies_for(sender)
    assert reply.delivered_at is not None

    later = servers.send(sender, "ok")
    assert STAFF_TEXT not in [message.get("text") for message in later]
    assert [text for _, text, _ in conversation_log(servers, sender)].count(STAFF_TEXT) == 1


def test_a_rest_conversation_without_staff_replies_gets_only_the_assistants_answer(servers):
    replies = servers.send("patient-rest-no-staff", "hi")
    assert replies and not any("from_staff" in message.get("custom", {}) for message in replies)

"""Enrolment on the console: a booking system's POST /enrolments, the Patients page, and the unsubscribe link.

A real console process (`python -m console`, as tests/processes/console/conftest.py starts it: in this test process
the name `console` is this test folder) with its clock fixed by AFTERCARE_NOW, on a fresh SQLite database.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from aftercare.enrolment_links import read_link_token, unsubscribe_token
from aftercare.session_ids import SessionIds
from scripts.processes import ManagedProcess
from storage import enrolments as tables
from storage.enrolments import EnrolmentStore
from storage.passwords import hash_password
from storage.staff_store import StaffStore, connect
from tests.processes.console.client import Browser

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)
TOKEN = "booking-system-token-0123456789"
SECRET = b"k" * 64
EMAIL, PASSWORD = "nurse@example.org", "correct-horse-42"
PATIENT = {
    "first_name": "Zelda",
    "email": "zelda.private@example.com",
    "mobile": "+14155550100",
    "procedure_time": "2026-03-02T09:30:00-05:00",
    "timezone": "America/New_York",
    "consent": True,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_console(workdir: Path, token: str):
    """Starts a console on a fresh database; yields its URL, enrolment store and log file."""
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'conversations.db'}"
    StaffStore(connect(url)).save_account(EMAIL, "Nurse Jo", hash_password(PASSWORD))
    port = free_port()
    env = {**os.environ, "TRACKER_STORE_URL": url, "CONSOLE_PORT": str(port), "ENROLMENT_TOKEN": token}
    env |= {"SESSION_SECRET": SECRET.decode(), "AFTERCARE_NOW": "2026-03-02T20:00:00Z"}
    env |= {"CLINIC_PAGE_URL": "https://glowskin.example/aftercare"}
    log = workdir / "console.log"
    process = ManagedProcess("console", [sys.executable, "-m", "console"], log, env=env, cwd=ROOT).start()
    try:
        process.wait_for_url(f"http://127.0.0.1:{port}/health", limit=60)
        yield {"url": f"http://127.0.0.1:{port}", "store": EnrolmentStore(connect(url)), "log": log}
    finally:
        process.stop()


@pytest.fixture(scope="module")
def running_console(tmp_path_factory):
    yield from start_console(tmp_path_factory.mktemp("enrolments"), TOKEN)


@pytest.fixture
def console(running_console):
    """The console, with no enrolment stored."""
    with running_console["store"].engine.begin() as connection:
        for table in (tables.sent_messages, tables.answers, tables.enrolments):
            connection.execute(sa.delete(table))
    return running_console


def post_json(console, body, token: str | None = TOKEN, key: str | None = "booking-41", raw: bytes | None = None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(console["url"] + "/enrolments", data, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_booking_system_enrols_a_patient_and_gets_the_private_link(console):
    status, body = post_json(console, PATIENT)
    assert status == 201, body
    assert set(body) >= {"id", "conversation_id", "link"}
    enrolment = console["store"].get(body["id"])
    assert enrolment.first_name == "Zelda"
    assert enrolment.procedure_time == datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)
    assert body["conversation_id"] == enrolment.conversation_id
    # The conversation id is signed like the widget's, so the socket.io channel resumes it for the link's page.
    assert SessionIds(SECRET).is_valid(enrolment.conversation_id)
    link = urlsplit(body["link"])
    assert (link.scheme, link.netloc, link.path) == ("https", "glowskin.example", "/aftercare")
    token = parse_qs(link.query)["aftercare"][0]
    assert read_link_token(token, SECRET, NOW) == enrolment.id
    assert body["channels"] == ["email", "sms"]


def test_a_retried_request_enrols_once(console):
    first_status, first = post_json(console, PATIENT)
    retry_status, retry = post_json(console, PATIENT)
    assert (first_status, retry_status) == (201, 200)
    assert retry == first
    assert len(console["store"].active(NOW)) == 1


def test_the_same_key_with_another_patient_is_a_conflict(console):
    post_json(console, PATIENT)
    status, body = post_json(console, {**PATIENT, "first_name": "Yara"})
    assert status == 409 and body["field"] == "Idempotency-Key"
    assert [enrolment.first_name for enrolment in console["store"].active(NOW)] == ["Zelda"]


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789", TOKEN + "x", "", TOKEN[:-1]])
def test_a_request_without_the_token_enrols_nobody(console, token):
    headers_token = token
    status, body = post_json(console, PATIENT, token=headers_token)
    assert status == 401 and "ENROLMENT_TOKEN" in body["message"]
    assert console["store"].active(NOW) == []


def test_without_a_configured_token_the_endpoint_says_it_is_off(tmp_path):
    for console in start_console(tmp_path, ""):
        status, body = post_json(console, PATIENT, token="")
        assert status == 503 and "ENROLMENT_TOKEN" in body["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": False}, "consent"),
        ({"mobile": "415 555 0100"}, "mobile"),
        ({"email": None, "mobile": None}, "email"),
        ({"procedure_time": "2026-03-02T09:30:00"}, "procedure_time"),
        ({"procedure_time": "2026-03-03T09:30:00-05:00"}, "procedure_time"),  # tomorrow
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_each_wrong_field_is_named_and_enrols_nobody(console, changes, field):
    status, body = post_json(console, {**PATIENT, **changes})
    assert status == 422 and body["field"] == field, body
    assert console["store"].active(NOW) == []
    log = console["log"].read_text(encoding="utf-8")
    assert "zelda.private" not in log and "Zelda" not in log and "+1415" not in log


def test_a_body_that_is_not_json_or_a_missing_key_is_refused(console):
    assert post_json(console, None, raw=b"{first_name: Zelda")[0] == 400
    status, body = post_json(console, PATIENT, key=None)
    assert status == 400 and body["field"] == "Idempotency-Key"
    assert console["store"].active(NOW) == []


def signed_in(console) -> Browser:
    browser = Browser(console["url"])
    answer = browser.sign_in(EMAIL, PASSWORD)
    assert answer.status == 303, answer.body
    return browser


def test_the_patients_page_needs_a_sign_in(console):
    answer = Browser(console["url"]).get("/patients")
    assert answer.status == 303 and answer.location == "/sign-in"
    assert Browser(console["url"]).post("/patients", {"first_name": "Zelda"}).status == 401


def test_staff_enrol_a_patient_and_see_what_was_sent_and_answered(console):
    browser = signed_in(console)
    page = browser.get("/patients")
    assert page.status == 200 and "No patient is enrolled yet" in page.body
    form = {
        "csrf_token": page.csrf(),
        "first_name": "Zelda",
        "email": "",
        "mobile": "+14155550100",
        "procedure_time": "2026-03-02T09:30",  # the form's local time, in the patient's time zone
        "timezone": "America/New_York",
        "consent": "yes",
    }
    assert browser.post("/patients", {**form, "csrf_token": "0" * 64}).status == 403
    refused = browser.post("/patients", {**form, "consent": ""})
    assert refused.status == 422 and "consent" in refused.body
    enrolled = browser.post("/patients", form)
    assert enrolled.status == 303
    (enrolment,) = console["store"].active(NOW)
    assert enrolment.procedure_time == datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)
    assert enrolment.email is None
    shown = browser.get(enrolled.location)
    assert "https://glowskin.example/aftercare?aftercare=" in shown.body
    console["store"].record_sent(enrolment.id, "welcome", "sms", NOW + timedelta(minutes=1))
    console["store"].record_answer(enrolment.id, NOW + timedelta(hours=2))
    row = re.search(r"<tr>\s*<td>Zelda</td>.*?</tr>", browser.get("/patients").body, re.S).group(0)
    assert "text message" in row
    assert "Mon 2 Mar, 09:30" in row  # the clinic's time zone (New York)
    assert "welcome (sms), Mon 2 Mar, 15:01" in row
    assert "yes, Mon 2 Mar, 17:00" in row
    assert "Tue 3 Mar, 09:30" in row  # the next message: the check-in 24 hours after the treatment
    assert "Stop messages" in row


def test_staff_stop_a_patients_messages(console):
    post_json(console, PATIENT)
    browser = signed_in(console)
    page = browser.get("/patients")
    (enrolment,) = console["store"].active(NOW)
    assert browser.post(f"/patients/{enrolment.id}/stop", {"csrf_token": "0" * 64}).status == 403
    assert browser.post(f"/patients/{enrolment.id}/stop", {"csrf_token": page.csrf()}).status == 303
    stopped = console["store"].get(enrolment.id)
    assert (stopped.stop_reason, stopped.stopped_at) == ("staff", NOW)
    assert "stopped (stopped by staff)" in browser.get("/patients").body


def test_the_unsubscribe_link_asks_before_it_stops(console):
    _, body = post_json(console, PATIENT)
    path = f"/unsubscribe/{unsubscribe_token(body['id'], SECRET)}"
    patient = Browser(console["url"])
    confirm = patient.get(path)
    assert confirm.status == 200 and "Stop my messages" in confirm.body
    assert console["store"].get(body["id"]).stopped_at is None  # a mail scanner's GET stops nothing
    done = patient.post(path, {})
    assert done.status == 200 and "You are unsubscribed" in done.body
    assert console["store"].get(body["id"]).stop_reason == "email_unsubscribe"
    assert "You are unsubscribed" in patient.get(path).body


def test_a_forged_unsubscribe_link_stops_nobody(console):
    _, body = post_json(console, PATIENT)
    forged = f"/unsubscribe/{unsubscribe_token(body['id'], b'x' * 64)}"
    assert Browser(console["url"]).get(forged).status == 404
    assert Browser(console["url"]).post(forged, {}).status == 404
    assert console["store"].get(body["id"]).stopped_at is None

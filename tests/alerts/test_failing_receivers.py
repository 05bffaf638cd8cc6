"""A webhook that fails (answers garbage, hangs, refuses) costs only its own alerts an attempt (dispatcher.py).

Real receivers on 127.0.0.1 and a real SMTP server (aiosmtpd): every email, and every other alert, goes out in the
same pass, at the same time as the failing attempts; each failing delivery is counted, retried, and given up after
three days with a CRITICAL log line.
"""

from __future__ import annotations

import logging
import threading

import pytest
import sqlalchemy as sa

from services.alert_settings import AlertSettings, read_alert_settings
from services.dispatcher import dispatch_once
from storage.outbox import (
    DELIVERED,
    EXPIRED,
    PENDING,
    RETRY_FOR_SECONDS,
    Outbox,
    connect,
    deliveries,
    new_alert,
)
from tests.alerts.receivers import MailServer, MisbehavingReceiver, free_port

SECRET = "failing-receivers-secret-0123456789"
PATIENTS = ("anna", "ben", "cara", "dan")
TIMEOUT = 0.5  # the dispatcher's per-attempt timeout here
# How long a test waits for what should happen at once before it fails (never reached when the code is right).
PATIENCE = 30.0


@pytest.fixture
def outbox(tmp_path) -> Outbox:
    return Outbox(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))


@pytest.fixture
def mail():
    with MailServer() as server:
        yield server


def settings_for(webhook_url: str, mail: MailServer) -> AlertSettings:
    return read_alert_settings(
        {
            "ALERT_WEBHOOK_URL": webhook_url,
            "ALERT_WEBHOOK_SECRET": SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mail.port),
            "SMTP_STARTTLS": "0",
            "ALERT_EMAIL_FROM": "assistant@clinic.example",
            "ALERT_EMAIL_TO": "nurse@clinic.example",
        }
    )


def add_alerts(outbox: Outbox) -> dict[str, str]:
    """One escalation per patient, for the webhook and email; each patient's alert id."""
    ids = {}
    for patient in PATIENTS:
        alert = new_alert("escalation", "injector", patient, f"http://console/{patient}")
        outbox.add(alert, ["webhook", "email"])
        ids[patient] = alert.id
    return ids


def states(outbox: Outbox, channel: str) -> dict[str, tuple[str, int, str | None]]:
    """Each patient's delivery on one channel: its status, attempts and last error."""
    with outbox.engine.connect() as connection:
        found = connection.execute(sa.select(deliveries).where(deliveries.c.channel == channel)).all()
    return {row.conversation_id: (row.status, row.attempts, row.last_error) for row in found}


def emailed(mail: MailServer) -> set[str]:
    """The alert ids of the emails the mail server took."""
    return {message["Message-ID"].strip("<>").removesuffix("@aftercare.alerts") for _, message in mail.messages}


def three_days_later(outbox: Outbox) -> None:
    """Where three days of retries end: the pending deliveries are due again, and were created three days ago."""
    with outbox.engine.begin() as connection:
        connection.execute(
            deliveries.update()
            .where(deliveries.c.status == PENDING)
            .values(created_at=deliveries.c.created_at - RETRY_FOR_SECONDS, next_attempt_at=0.0)
        )


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ("garbage", "the webhook's answer was not HTTP (BadStatusLine)"),
        ("hang", f"the webhook did not answer within {TIMEOUT:g} s"),
        ("refused", "the webhook could not be reached (ConnectionRefusedError)"),
    ],
)
def test_a_failing_webhook_costs_only_its_own_alerts_an_attempt_until_they_are_given_up(
    outbox, mail, caplog, failure, reason
):
    if failure == "refused":
        receiver, url, failing = None, f"http://127.0.0.1:{free_port()}/hook", set(PATIENTS)
    else:
        receiver = MisbehavingReceiver(SECRET, {"ben"}, failure).start()
        url, failing = receiver.url, {"ben"}
    settings = settings_for(url, mail)
    ids = add_alerts(outbox)
    try:
        dispatch_once(outbox, settings, timeout=TIMEOUT)
        assert emailed(mail) == set(ids.values())
        if receiver is not None:
            assert sorted(alert["id"] for alert in receiver.alerts) == sorted(
                ids[patient] for patient in PATIENTS if patient not in failing
            )
        assert states(outbox, "email") == dict.fromkeys(PATIENTS, (DELIVERED, 1, None))
        assert states(outbox, "webhook") == {
            patient: (PENDING, 1, reason) if patient in failing else (DELIVERED, 1, None) for patient in PATIENTS
        }

        three_days_later(outbox)
        with caplog.at_level(logging.WARNING, logger="aftercare.alerts"):
            dispatch_once(outbox, settings, timeout=TIMEOUT)
    finally:
        if receiver is not None:
            receiver.stop()
    assert states(outbox, "webhook") == {
        patient: (EXPIRED, 2, reason) if patient in failing else (DELIVERED, 1, None) for patient in PATIENTS
    }
    given_up = [record.getMessage() for record in caplog.records if record.levelno == logging.CRITICAL]
    assert len(given_up) == len(failing) and all("GIVING UP" in line for line in given_up)
    assert {patient for patient in PATIENTS if any(ids[patient] in line for line in given_up)} == failing
    assert len(mail.messages) == len(PATIENTS)  # no email sent twice


def test_emails_go_out_while_the_webhook_hangs_and_every_hanging_attempt_is_under_way_at_once(outbox, mail):
    receiver = MisbehavingReceiver(SECRET, set(PATIENTS), "hang").start()
    ids = add_alerts(outbox)
    dispatcher = threading.Thread(target=dispatch_once, args=(outbox, settings_for(receiver.url, mail)), daemon=True)
    dispatcher.start()
    try:
        arrived = mail.wait_for(len(PATIENTS), timeout=PATIENCE)
        held = receiver.wait_until_held(len(PATIENTS), timeout=PATIENCE)
        assert (len(arrived), held) == (len(PATIENTS), len(PATIENTS))  # nothing waited for a hanging attempt
        assert emailed(mail) == set(ids.values()) and receiver.alerts == []
    finally:
        receiver.stop()  # the held requests are closed unanswered
        dispatcher.join(PATIENCE)
    assert not dispatcher.is_alive()
    closed = "the webhook could not be reached (RemoteDisconnected)"  # closed without an answer
    assert states(outbox, "webhook") == dict.fromkeys(PATIENTS, (PENDING, 1, closed))
    assert states(outbox, "email") == dict.fromkeys(PATIENTS, (DELIVERED, 1, None))

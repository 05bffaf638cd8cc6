"""The alert dispatcher as a real process: nothing lost while the receiver is down or the dispatcher restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from storage.outbox import DELIVERED, Outbox, connect, new_alert
from tests.alerts.receivers import WebhookReceiver, free_port

SECRET = "dispatcher-test-secret-0123456789"


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def start_dispatcher(database: str, webhook_url: str, log_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "TRACKER_STORE_URL": database,
        "ALERT_WEBHOOK_URL": webhook_url,
        "ALERT_WEBHOOK_SECRET": SECRET,
    }
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "services.dispatcher", "--poll-seconds", "0.2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def add_alerts(database: str, count: int) -> list[str]:
    outbox = Outbox(connect(database))
    ids = []
    for number in range(count):
        alert = new_alert("escalation", "injector", f"patient-{number}", f"http://console/patient-{number}")
        outbox.add(alert, ["webhook"])
        ids.append(alert.id)
    return ids


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    process.send_signal(sig)
    process.wait(timeout=15)


def test_alerts_wait_while_the_receiver_is_down_and_arrive_once_when_it_is_back(database, tmp_path):
    ids = add_alerts(database, 3)
    port = free_port()
    dispatcher = start_dispatcher(database, f"http://127.0.0.1:{port}/hook", tmp_path / "dispatcher.log")
    try:
        time.sleep(3)  # the first attempts fail: nothing listens on the port
        receiver = WebhookReceiver(SECRET, port).start()
        try:
            arrived = receiver.wait_for(3, timeout=30)
            time.sleep(2)  # anything sent twice would arrive now
            assert sorted(alert["id"] for alert in receiver.alerts) == sorted(ids)
            assert len(receiver.alerts) == 3 and receiver.refused == 0
            assert {alert["conversation_id"] for alert in arrived} == {"patient-0", "patient-1", "patient-2"}
        finally:
            receiver.stop()
    finally:
        stop(dispatcher)
    log = (tmp_path / "dispatcher.log").read_text()
    assert "not delivered by webhook" in log and "will retry" in log
    assert Outbox(connect(database)).counts() == {DELIVERED: 3}


def test_alerts_pending_when_the_dispatcher_is_killed_are_delivered_after_a_restart(database, tmp_path):
    receiver = WebhookReceiver(SECRET).start()
    receiver.status = 503  # reachable, but failing: the alerts stay pending
    try:
        ids = add_alerts(database, 2)
        dispatcher = start_dispatcher(database, receiver.url, tmp_path / "first.log")
        time.sleep(2)
        stop(dispatcher, signal.SIGKILL)
        assert receiver.alerts == []
        receiver.status = 200
        restarted = start_dispatcher(database, receiver.url, tmp_path / "second.log")
        try:
            receiver.wait_for(2, timeout=40)
            time.sleep(1)
        finally:
            stop(restarted)
        assert sorted(alert["id"] for alert in receiver.alerts) == sorted(ids)
    finally:
        receiver.stop()


def test_with_nothing_configured_the_dispatcher_says_alerts_are_off_and_exits(database):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ALERT_", "SMTP_"))}
    result = subprocess.run(
        [sys.executable, "-m", "services.dispatcher"],
        env={**env, "TRACKER_STORE_URL": database},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "Alerts to the clinic are off" in result.stderr


def test_a_wrong_setting_stops_the_dispatcher_naming_the_variable(database):
    result = subprocess.run(
        [sys.executable, "-m", "services.dispatcher"],
        env={**os.environ, "TRACKER_STORE_URL": database, "ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Refusing to start the alert dispatcher: ALERT_WEBHOOK_SECRET is missing" in result.stderr

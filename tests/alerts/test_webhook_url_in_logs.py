"""A webhook's address reaches the logs as its scheme, host and path (settings.url_for_logs): never its query."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions.alerts import ClinicAlerts
from services.dispatcher import dispatch_once
from tests.alerts.receivers import WebhookReceiver

SECRET = "url-in-logs-secret-0123456789"
QUERY_SECRET = "hunter2querytoken"


def test_neither_the_action_server_nor_the_dispatcher_logs_the_webhooks_query(tmp_path, monkeypatch, caplog):
    receiver = WebhookReceiver(SECRET).start()
    receiver.status = 503  # a failed attempt is logged too
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    monkeypatch.setenv("ALERT_WEBHOOK_URL", f"http://127.0.0.1:{receiver.port}/hook?token={QUERY_SECRET}")
    monkeypatch.setenv("ALERT_WEBHOOK_SECRET", SECRET)
    try:
        with caplog.at_level(logging.INFO):
            alerts = ClinicAlerts.from_environment()  # the action server's start-up line
            alerts.callback(tracker(), "Anna", "555 0100", "after 5pm")
            dispatch_once(alerts.outbox, alerts.settings)
            receiver.status = 200
            alerts.callback(tracker(), "Anna", "555 0100", "any time")
            dispatch_once(alerts.outbox, alerts.settings)
    finally:
        receiver.stop()
    assert len(receiver.alerts) == 1  # the URL itself, query included, is what is called
    assert "a signed POST to http://127.0.0.1/hook," in caplog.text
    assert "not delivered by webhook" in caplog.text and "delivered by webhook" in caplog.text
    assert QUERY_SECRET not in caplog.text


def tracker() -> Tracker:
    return Tracker("anna", {}, {"text": "", "intent": {}, "entities": []}, [], False, None, {}, "action_listen")

"""Starts the real action server and Rasa server on loopback for end-to-end tests, and stops them after.

SERVER_TESTS_RASA_PORT / SERVER_TESTS_ACTION_PORT move them from 5105 / 5155.
"""

from __future__ import annotations

import os

import pytest

from scripts.servers import MODEL, Servers
from tests.alerts.receivers import WebhookReceiver
from tests.twilio_stand_in import TwilioStandIn

RASA_PORT = int(os.environ.get("SERVER_TESTS_RASA_PORT", "5105"))
ACTION_PORT = int(os.environ.get("SERVER_TESTS_ACTION_PORT", "5155"))
ALERT_SECRET = "server-tests-alert-secret-0123456789"


@pytest.fixture(scope="session")
def alert_receiver() -> WebhookReceiver:
    """The clinic's webhook receiver, checking every alert's signature."""
    receiver = WebhookReceiver(ALERT_SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def twilio() -> TwilioStandIn:
    """The local stand-in for Twilio's Messages API, which the Rasa server texts patients through."""
    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, alert_receiver, twilio) -> Servers:
    """The servers as `make run` starts them with alerts to a webhook and texts through the Twilio stand-in:
    action server, Rasa, alert dispatcher."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    alerts = {"ALERT_WEBHOOK_URL": alert_receiver.url, "ALERT_WEBHOOK_SECRET": ALERT_SECRET}
    running = Servers(tmp_path_factory.mktemp("servers"), RASA_PORT, ACTION_PORT, **alerts, **twilio.environment())
    try:
        running.start_both()
        running.start_dispatcher()
        yield running
    finally:
        running.stop_both()

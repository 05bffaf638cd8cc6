"""Alerts end to end: a warning sign typed through REST reaches the clinic's webhook, signed, once, within seconds."""

from __future__ import annotations

import json
import time

MARKER = "quokka"


def alerts_for(receiver, conversation: str, count: int, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [alert for alert in receiver.alerts if alert["conversation_id"] == conversation]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return [alert for alert in receiver.alerts if alert["conversation_id"] == conversation]


def test_a_warning_sign_sends_one_signed_alert_without_the_patients_words(servers, alert_receiver):
    sender = "alert-patient-warning"
    servers.send(sender, f"there's pus coming out of a spot near my {MARKER} tattoo")
    (alert,) = alerts_for(alert_receiver, sender, 1)
    assert alert["kind"] == "escalation" and alert["level"] == "injector"
    assert alert["console_url"].endswith(f"/conversations/{sender}")
    assert MARKER not in json.dumps(alert) and "pus" not in json.dumps(alert)
    assert alert_receiver.refused == 0
    servers.send(sender, "the pus is still there")  # the same conversation and level, minutes later
    time.sleep(2)
    assert len(alerts_for(alert_receiver, sender, 2, timeout=1)) == 1


def test_an_emergency_alerts_even_while_the_receiver_is_down_for_a_while(servers, alert_receiver):
    sender = "alert-patient-emergency"
    alert_receiver.status = 503
    try:
        replies = servers.send(sender, "my lips are swelling and I'm wheezing")
        assert any("Call 911 now" in reply.get("text", "") for reply in replies)
        time.sleep(3)
        assert alerts_for(alert_receiver, sender, 1, timeout=0.5) == []
    finally:
        alert_receiver.status = 200
    (alert,) = alerts_for(alert_receiver, sender, 1, timeout=30)
    assert alert["level"] == "emergency"
    assert "not delivered by webhook" in servers.log("alerts")

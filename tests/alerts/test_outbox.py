"""The alert outbox (storage/outbox.py) on a real SQLite database: claimed once, retried, never lost."""

from __future__ import annotations

import json

import pytest

from storage.outbox import (
    DELIVERED,
    EXPIRED,
    PENDING,
    REPEAT_AFTER_SECONDS,
    RETRY_FOR_SECONDS,
    Outbox,
    connect,
    new_alert,
    retry_delay,
)

NOW = 1_764_450_000.0  # 2025-11-29T21:00:00Z


@pytest.fixture
def outbox(tmp_path) -> Outbox:
    return Outbox(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))


def escalation(conversation: str = "anna", level: str = "injector", now: float = NOW, **details):
    return new_alert("escalation", level, conversation, f"http://console/{conversation}", details or None, now=now)


def test_an_alert_carries_only_what_is_needed_to_open_the_conversation():
    alert = escalation()
    assert set(alert.payload) == {"id", "kind", "level", "conversation_id", "created_at", "console_url"}
    assert alert.payload["created_at"] == "2025-11-29T21:00:00Z"
    with pytest.raises(ValueError, match="alert kind"):
        new_alert("gossip", None, "anna", "http://console/anna")


def test_each_channel_gets_its_own_delivery_with_the_same_id_and_body(outbox):
    alert = escalation()
    assert outbox.add(alert, ["webhook", "email"])
    claimed = outbox.claim(now=NOW)
    assert [delivery.channel for delivery in claimed] == ["webhook", "email"]
    assert {delivery.alert_id for delivery in claimed} == {alert.id}
    assert {delivery.body for delivery in claimed} == {json.dumps(alert.payload, separators=(",", ":"))}


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_runs_out(outbox):
    outbox.add(escalation(), ["webhook"])
    assert len(outbox.claim(now=NOW, lease=60)) == 1
    assert outbox.claim(now=NOW + 30) == []  # another dispatcher, meanwhile
    (again,) = outbox.claim(now=NOW + 61)  # the first one died: the lease ran out
    assert again.attempts == 0


def test_a_delivered_alert_is_never_sent_again(outbox):
    outbox.add(escalation(), ["webhook"])
    (delivery,) = outbox.claim(now=NOW)
    outbox.delivered(delivery, now=NOW + 1)
    assert outbox.claim(now=NOW + 10_000) == []
    assert outbox.counts() == {DELIVERED: 1}


def test_a_failed_delivery_is_retried_with_exponential_backoff(outbox):
    outbox.add(escalation(), ["webhook"])
    now = NOW
    delays = []
    for _ in range(5):
        (delivery,) = outbox.claim(now=now)
        assert outbox.failed(delivery, "the webhook answered HTTP 503", now=now) == PENDING
        assert outbox.claim(now=now + retry_delay(delivery.attempts + 1) - 0.5) == []
        delays.append(retry_delay(delivery.attempts + 1))
        now += delays[-1]
    assert delays == [5, 10, 20, 40, 80]
    assert retry_delay(30) == 15 * 60


def test_a_delivery_is_retried_for_three_days_then_expires(outbox):
    outbox.add(escalation(), ["webhook"])
    now, attempts = NOW, 0
    while True:
        (delivery,) = outbox.claim(now=now)
        attempts += 1
        if outbox.failed(delivery, "unreachable", now=now) == EXPIRED:
            break
        now += retry_delay(attempts)
    assert now - NOW > RETRY_FOR_SECONDS - 15 * 60 and now - NOW >= 24 * 3600
    assert outbox.counts() == {EXPIRED: 1}


def test_an_escalation_repeating_within_hours_alerts_once_but_a_higher_level_alerts_again(outbox):
    assert outbox.add(escalation(level="injector"), ["webhook"])
    assert not outbox.add(escalation(level="injector", now=NOW + 60), ["webhook"])
    assert outbox.add(escalation(level="emergency", now=NOW + 120), ["webhook"])
    assert not outbox.add(escalation(level="injector", now=NOW + 180), ["webhook"])  # below the emergency
    assert outbox.add(escalation(level="injector", now=NOW + REPEAT_AFTER_SECONDS + 200), ["webhook"])
    assert outbox.add(escalation(conversation="ben", now=NOW + 60), ["webhook"])
    callback = new_alert("callback", None, "anna", "http://console/anna", {"callback": {"name": "A"}}, now=NOW + 240)
    assert outbox.add(callback, ["webhook"])
    assert outbox.counts() == {PENDING: 5}


def test_marking_a_case_handled_restarts_the_repeat_window(outbox):
    handled = NOW + 600
    assert outbox.add(escalation(level="emergency"), ["webhook"])
    assert not outbox.add(escalation(level="injector", now=NOW + 300), ["webhook"])  # not handled yet
    assert outbox.add(escalation(level="injector", now=handled + 60), ["webhook"], handled_at=handled)
    assert not outbox.add(escalation(level="injector", now=handled + 120), ["webhook"], handled_at=handled)
    assert outbox.add(escalation(level="emergency", now=handled + 180), ["webhook"], handled_at=handled)
    assert outbox.counts() == {PENDING: 3}


def test_an_alert_in_the_second_the_case_was_handled_was_seen_by_whoever_handled_it(outbox):
    assert outbox.add(escalation(now=NOW), ["webhook"])
    assert outbox.add(escalation(now=NOW + 60), ["webhook"], handled_at=NOW)  # boundary: the same second
    assert not outbox.add(escalation(now=NOW + 120), ["webhook"], handled_at=NOW + 60 - 1)

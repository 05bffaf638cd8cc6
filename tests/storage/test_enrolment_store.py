"""The enrolment store (storage/enrolments.py) on a real SQLite database: enrols once, stops once, forgets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage.enrolments import EnrolmentStore, IdempotencyConflict, connect

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
TREATED = datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path) -> EnrolmentStore:
    return EnrolmentStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))


def enrol(store: EnrolmentStore, key: str | None = "booking-1", **changes):
    details = {
        "first_name": "Anna",
        "email": "anna@example.com",
        "mobile": "+14155550100",
        "procedure_time": TREATED,
        "timezone": "America/New_York",
        "consent": True,
        "idempotency_key": key,
        "now": NOW,
        **changes,
    }
    return store.enrol(**details)


def test_an_enrolment_is_stored_with_what_the_programme_needs(store):
    enrolment, created = enrol(store)
    assert created
    assert store.get(enrolment.id) == enrolment
    assert enrolment.procedure_time == TREATED and enrolment.procedure_time.tzinfo is not None
    assert (enrolment.first_name, enrolment.email, enrolment.mobile) == ("Anna", "anna@example.com", "+14155550100")
    assert enrolment.stopped_at is None and enrolment.stop_reason is None
    assert store.by_conversation(enrolment.conversation_id) == enrolment
    assert store.by_mobile("+14155550100") == enrolment
    assert store.active(NOW) == [enrolment]


def test_a_retried_request_enrols_once(store):
    first, created = enrol(store)
    again, created_again = enrol(store)
    assert created and not created_again
    assert again == first
    assert store.active(NOW) == [first]


def test_the_same_key_with_other_details_is_refused(store):
    enrol(store)
    with pytest.raises(IdempotencyConflict):
        enrol(store, first_name="Bea")
    assert len(store.active(NOW)) == 1


def test_requests_without_a_key_enrol_each_time(store):
    first, _ = enrol(store, key=None)
    second, _ = enrol(store, key=None)
    assert first.id != second.id and first.conversation_id != second.conversation_id


def test_the_given_conversation_id_is_kept(store):
    enrolment, _ = enrol(store, conversation_id="abc.def")
    assert store.by_conversation("abc.def") == enrolment


def test_no_consent_or_no_channel_enrols_nobody(store):
    with pytest.raises(ValueError, match="consent"):
        enrol(store, consent=False)
    with pytest.raises(ValueError, match="email address or a mobile number"):
        enrol(store, email=None, mobile=None)
    assert store.active(NOW) == []


def test_the_latest_enrolment_answers_for_a_mobile_number(store):
    enrol(store, key="old")
    latest, _ = enrol(store, key="new", now=NOW + timedelta(days=30))
    assert store.by_mobile("+14155550100") == latest


def test_stopping_is_recorded_once(store):
    enrolment, _ = enrol(store)
    store.stop(enrolment.id, "sms_stop", NOW)
    store.stop(enrolment.id, "staff", NOW + timedelta(hours=1))
    stopped = store.get(enrolment.id)
    assert (stopped.stopped_at, stopped.stop_reason) == (NOW, "sms_stop")
    assert store.active(NOW) == []
    with pytest.raises(ValueError, match="stop reason"):
        store.stop(enrolment.id, "bored", NOW)


def test_history_and_answers(store):
    enrolment, _ = enrol(store)
    assert store.history(enrolment.id) == [] and store.last_answer(enrolment.id) is None
    store.record_sent(enrolment.id, "welcome", "email", NOW)
    store.record_sent(enrolment.id, "check_in:24h", "sms", NOW + timedelta(days=1))
    store.record_answer(enrolment.id, NOW + timedelta(days=1, hours=2))
    store.record_answer(enrolment.id, NOW + timedelta(days=1, hours=1))
    assert store.history(enrolment.id) == [
        ("welcome", "email", NOW),
        ("check_in:24h", "sms", NOW + timedelta(days=1)),
    ]
    assert store.last_answer(enrolment.id) == NOW + timedelta(days=1, hours=2)


def test_purge_deletes_everything_of_programmes_ended_before_the_retention_period(store):
    ended, _ = enrol(store, key="ended")
    recent, _ = enrol(store, key="recent")
    running, _ = enrol(store, key="running")
    for enrolment in (ended, recent, running):
        store.record_sent(enrolment.id, "welcome", "email", NOW)
        store.record_answer(enrolment.id, NOW)
    store.stop(ended.id, "programme_ended", NOW)
    store.stop(recent.id, "staff", NOW + timedelta(days=2))
    later = NOW + timedelta(days=61)
    assert store.purge_ended(later, retention_days=60) == 1
    assert store.get(ended.id) is None
    assert store.history(ended.id) == [] and store.last_answer(ended.id) is None
    assert store.get(recent.id) is not None and store.history(recent.id) != []
    assert store.get(running.id) is not None
    assert store.purge_ended(later, retention_days=60) == 0

"""Check-in answers in the console's inbox and the report's figures (aftercare/check_in_answers.py,
storage/check_ins.py, StaffStore.inbox): a patient's answer to a check-in is a row of its own, marked as from a
check-in; an answer to the welcome is not; an escalation in answer to a check-in counts as from a check-in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aftercare.check_in_answers import CheckInFigures, Programme, check_in_figures, replying_to
from aftercare.staff.inbox import HANDLED, NEW, Handoff, build_inbox
from storage.enrolments import EnrolmentStore
from storage.outbox import Outbox, new_alert
from storage.staff_store import StaffStore, connect

START = datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc)
HOUR = 3600.0
T0 = START.timestamp()
EVENTS_TABLE = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def test_a_message_answers_the_scheduled_message_sent_last_before_it_on_whichever_channel():
    sent = [("welcome", T0), ("check_in:24h", T0 + 24 * HOUR), ("check_in:24h", T0 + 24 * HOUR + 5)]
    assert replying_to(sent, T0 - 1) is None
    assert replying_to(sent, T0 + 23 * HOUR) == "welcome"
    assert replying_to(sent, T0 + 24 * HOUR) == "check_in:24h"  # at the same second: the check-in's answer
    assert replying_to(sent + [("milestone:makeup", T0 + 48 * HOUR)], T0 + 50 * HOUR) == "milestone:makeup"


def test_the_figures_count_each_check_in_once_whatever_the_channels_and_only_in_the_period():
    answered = Programme(
        sent=(
            ("welcome", T0),
            ("check_in:24h", T0 + 24 * HOUR),
            ("check_in:24h", T0 + 24 * HOUR + 2),  # the same check-in by text
            ("check_in:7d", T0 + 168 * HOUR),
        ),
        answers=(T0 + 1 * HOUR, T0 + 25 * HOUR, T0 + 26 * HOUR),  # the welcome, then the 24 h check-in twice
        escalations=(T0 + 2 * HOUR, T0 + 26 * HOUR),  # one after the welcome, one after the check-in
    )
    silent = Programme(sent=(("welcome", T0), ("check_in:24h", T0 + 24 * HOUR)))

    assert check_in_figures([answered, silent], T0, T0 + 200 * HOUR) == CheckInFigures(
        sent=3, answered=1, escalations=1
    )
    # From the 7-day check-in on: the 24-hour ones, their answers and their escalation were before.
    assert check_in_figures([answered, silent], T0 + 168 * HOUR, T0 + 200 * HOUR) == CheckInFigures(1, 0, 0)
    assert check_in_figures([], T0, T0 + 1) == CheckInFigures(0, 0, 0)


def test_a_check_in_answer_is_an_inbox_row_that_a_newer_answer_makes_new_again():
    answers = {"quiet-patient": ("check_in:24h", 500.0)}
    (entry,) = build_inbox([], {}, answers)
    assert (entry.conversation_id, entry.check_in, entry.level, entry.status) == (
        "quiet-patient",
        "check_in:24h",
        None,
        NEW,
    )
    assert "check_in" in entry.kinds

    (handled,) = build_inbox([], {"quiet-patient": Handoff("quiet-patient", handled_at=400)}, answers)
    assert handled.status == NEW
    (handled,) = build_inbox([], {"quiet-patient": Handoff("quiet-patient", handled_at=600)}, answers)
    assert handled.status == HANDLED


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def enrol(enrolments: EnrolmentStore, mobile: str):
    enrolment, _ = enrolments.enrol(
        first_name="Anna",
        email=None,
        mobile=mobile,
        procedure_time=START,
        timezone="America/New_York",
        consent=True,
        idempotency_key=None,
        now=START,
    )
    return enrolment


def test_the_inbox_lists_a_patient_who_answered_a_check_in_marked_as_such_and_not_one_who_answered_the_welcome(
    database,
):
    engine = connect(database)
    with engine.begin() as connection:  # Rasa's tracker store, which the inbox reads procedure times from
        connection.exec_driver_sql(EVENTS_TABLE)
    enrolments = EnrolmentStore(engine)
    staff = StaffStore(engine)
    checked_in, welcomed, escalated = (enrol(enrolments, f"+1415555010{n}") for n in range(3))
    for enrolment in (checked_in, welcomed, escalated):
        enrolments.record_sent(enrolment.id, "welcome", "sms", START)
    for enrolment in (checked_in, escalated):
        enrolments.record_sent(enrolment.id, "check_in:24h", "sms", START + timedelta(hours=24))
        enrolments.record_answer(enrolment.id, START + timedelta(hours=25))
    enrolments.record_answer(welcomed.id, START + timedelta(hours=2))
    escalation = new_alert("escalation", "injector", escalated.conversation_id, "http://x", now=T0 + 25 * HOUR)
    Outbox(engine).add(escalation, ["console"])

    rows = {entry.conversation_id: entry for entry in staff.inbox()}

    assert set(rows) == {checked_in.conversation_id, escalated.conversation_id}
    assert rows[checked_in.conversation_id].check_in == "check_in:24h"
    assert rows[checked_in.conversation_id].level is None
    assert (rows[escalated.conversation_id].level, rows[escalated.conversation_id].check_in) == (
        "injector",
        "check_in:24h",
    )
    assert [entry.conversation_id for entry in staff.inbox(only=checked_in.conversation_id)] == [
        checked_in.conversation_id
    ]
    assert staff.inbox(only=welcomed.conversation_id) == []

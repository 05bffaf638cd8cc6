"""`make report` on a real Rasa SQL tracker store (scripts/report.py): counts, the period, words only if asked."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from scripts.report import main

DAY = 86400
NOW = time.time()
FALLBACK_PARSE = {
    "intent": {"name": "nlu_fallback", "confidence": 0.5},
    "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_hydration", "confidence": 0.35}],
}
SPANISH_PARSE = {
    "intent": {"name": "other_language", "confidence": 1.0},
    "language": "es",
}


def turn(text: str, parse_data: dict, action: str, at: float) -> list:
    return [
        UserUttered(text, parse_data=parse_data, timestamp=at),
        ActionExecuted("action_extract_procedure_time", timestamp=at + 0.1),
        ActionExecuted(action, timestamp=at + 0.2),
        BotUttered("...", timestamp=at + 0.3),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


@pytest.fixture
def store(tmp_path) -> Path:
    """Three conversations: two fallbacks and a Spanish message this week, an answered question, an old fallback."""
    return write_store(tmp_path)


def write_store(tmp_path: Path) -> Path:
    """The tracker store of `store`, written in `tmp_path`."""
    path = tmp_path / "conversations.db"
    tracker_store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{path}")
    conversations = {
        "anna": turn("can I drink alcohol tonight", FALLBACK_PARSE, "action_ask_rephrase", NOW - DAY)
        + turn(
            "can I wear make-up",
            {"intent": {"name": "ask_makeup", "confidence": 0.9}},
            "action_answer_question",
            NOW - DAY + 60,
        ),
        "bea": turn("is wine ok", FALLBACK_PARSE, "action_ask_rephrase", NOW - 2 * DAY)
        + turn("¿puedo usar maquillaje mañana?", SPANISH_PARSE, "action_answer_other_language", NOW - 2 * DAY + 60),
        "old": turn("can I fly", FALLBACK_PARSE, "action_ask_rephrase", NOW - 10 * DAY),
    }
    for sender, events in conversations.items():
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events)))
    tracker_store.engine.dispose()
    return path


def test_the_report_counts_this_weeks_unanswered_turns_by_bucket(store, capsys):
    assert main(["--url", f"sqlite:///{store}"]) == 0
    printed = capsys.readouterr().out
    assert ": 3\n" in printed.splitlines()[0] + "\n"
    assert "    2  fallback: closest intent ask_hydration, confidence 0.3-0.5" in printed
    assert "    1  other language: language es" in printed
    assert "alcohol" not in printed and "maquillaje" not in printed


def test_days_widens_the_period(store, capsys):
    assert main(["--url", f"sqlite:///{store}", "--days", "30"]) == 0
    assert "    3  fallback: closest intent ask_hydration" in capsys.readouterr().out


def test_words_are_shown_only_with_words(store, capsys):
    assert main(["--url", f"sqlite:///{store}", "--words"]) == 0
    printed = capsys.readouterr().out
    assert "'can I drink alcohol tonight'" in printed and "'¿puedo usar maquillaje mañana?'" in printed
    assert "can I fly" not in printed  # outside the week


def test_a_missing_store_says_there_is_nothing_yet(tmp_path, capsys):
    assert main(["--url", f"sqlite:///{tmp_path / 'none.db'}"]) == 0
    assert "no conversations yet" in capsys.readouterr().out


@pytest.mark.parametrize("days", ["1e309", "inf", "nan", "1e6", "0", "-3", "a week", "3650.5"])
def test_days_out_of_range_or_not_a_number_is_refused_in_one_line(store, days, monkeypatch, capsys):
    monkeypatch.setenv("REPORT_DAYS", days)
    assert main(["--url", f"sqlite:///{store}", "--from-environment"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert (
        printed.err
        == f"Refusing to make the report: DAYS must be a number of days above 0 and at most 3650, not {days!r}\n"
    )
    assert main(["--url", f"sqlite:///{store}", "--days", days]) == 2
    assert capsys.readouterr().err.startswith("Refusing to make the report: --days must be a number of days above 0")


def test_ten_years_is_the_longest_period(store, monkeypatch, capsys):
    monkeypatch.setenv("REPORT_DAYS", "3650")
    assert main(["--url", f"sqlite:///{store}", "--from-environment"]) == 0
    assert "    3  fallback: closest intent ask_hydration" in capsys.readouterr().out


def test_the_report_counts_check_ins_sent_answered_and_the_escalations_that_came_from_one(store, capsys):
    from datetime import datetime, timezone

    from storage.enrolments import EnrolmentStore
    from storage.outbox import Outbox, connect, new_alert

    def at(epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, timezone.utc)

    engine = connect(f"sqlite:///{store}")  # with the outbox's table
    enrolments = EnrolmentStore(engine)
    for mobile, answers in (("+14155550100", True), ("+14155550101", False)):
        enrolment, _ = enrolments.enrol(
            first_name="Anna",
            email=None,
            mobile=mobile,
            procedure_time=at(NOW - 3 * DAY),
            timezone="America/New_York",
            consent=True,
            idempotency_key=None,
            now=at(NOW - 3 * DAY),
        )
        enrolments.record_sent(enrolment.id, "welcome", "sms", at(NOW - 3 * DAY))
        enrolments.record_sent(enrolment.id, "check_in:24h", "email", at(NOW - 2 * DAY))
        enrolments.record_sent(enrolment.id, "check_in:24h", "sms", at(NOW - 2 * DAY + 1))
        if answers:
            enrolments.record_answer(enrolment.id, at(NOW - 2 * DAY + 600))
            alert = new_alert("escalation", "injector", enrolment.conversation_id, "http://x", now=NOW - 2 * DAY + 601)
            Outbox(engine).add(alert, ["console", "webhook"])
    engine.dispose()

    assert main(["--url", f"sqlite:///{store}"]) == 0
    printed = capsys.readouterr().out
    assert "Check-ins sent: 2, answered: 1, escalations that came from a check-in: 1" in printed
    assert main(["--url", f"sqlite:///{store}", "--days", "1"]) == 0
    assert "Check-ins sent: 0, answered: 0, escalations that came from a check-in: 0" in capsys.readouterr().out

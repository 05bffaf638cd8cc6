"""Which conversations staff see, in which order and status; transcripts from tracker events (inbox.py)."""

import json
from datetime import datetime, timezone

from aftercare.staff.inbox import (
    HANDLED,
    IN_PROGRESS,
    NEW,
    Handoff,
    build_inbox,
    conversation_status,
    days_since,
    describe_ago,
    latest_procedure_time,
    transcript_line,
)


def alert(conversation, created_at, level="injector", kind="escalation", alert_id=None, callback=None):
    body = json.dumps({"callback": callback} if callback else {})
    return {
        "alert_id": alert_id or f"{conversation}-{created_at}",
        "kind": kind,
        "level": level,
        "conversation_id": conversation,
        "created_at": created_at,
        "body": body,
    }


def test_emergencies_come_first_then_the_newest_and_handled_ones_last():
    rows = [
        alert("old-warning", 100),
        alert("new-warning", 300),
        alert("emergency", 50, level="emergency"),
        alert("handled-emergency", 400, level="emergency"),
        alert("callback", 200, level=None, kind="callback", callback={"name": "Anna", "phone": "1", "time": "now"}),
    ]
    handoffs = {"handled-emergency": Handoff("handled-emergency", handled_at=500)}
    order = [entry.conversation_id for entry in build_inbox(rows, handoffs)]
    assert order == ["emergency", "new-warning", "callback", "old-warning", "handled-emergency"]


def test_one_alert_on_several_channels_counts_once_and_the_highest_level_wins():
    rows = [alert("a", 100, alert_id="x"), alert("a", 100, alert_id="x"), alert("a", 200, level="emergency")]
    (entry,) = build_inbox(rows, {})
    assert entry.level == "emergency" and entry.first_alert_at == 100 and entry.latest_alert_at == 200


def test_a_callback_keeps_its_details_and_an_escalation_keeps_its_level():
    callback = {"name": "Anna", "phone": "555 010 2030", "time": "after 5pm"}
    rows = [alert("a", 100), alert("a", 200, level=None, kind="callback", callback=callback)]
    (entry,) = build_inbox(rows, {})
    assert entry.level == "injector" and entry.kinds == {"escalation", "callback"}
    assert (entry.callback.name, entry.callback.phone, entry.callback.time) == ("Anna", "555 010 2030", "after 5pm")


def test_status_new_then_in_progress_then_handled_and_new_again_after_a_newer_alert():
    assert conversation_status(100, None) == NEW
    assert conversation_status(100, Handoff("a", active=True, replied_at=150)) == IN_PROGRESS
    assert conversation_status(100, Handoff("a", replied_at=150)) == IN_PROGRESS  # handed back to the assistant
    assert conversation_status(100, Handoff("a", replied_at=150, handled_at=160)) == HANDLED
    assert conversation_status(100, Handoff("a", handled_at=100)) == HANDLED  # boundary: same second
    assert conversation_status(170, Handoff("a", replied_at=150, handled_at=160)) == NEW
    assert conversation_status(170, Handoff("a", active=True, handled_at=160)) == IN_PROGRESS


def test_transcript_lines_say_who_spoke_staff_by_name():
    assert transcript_line(1, "user", json.dumps({"text": "hi", "timestamp": 5})).speaker == "patient"
    assistant = transcript_line(2, "bot", json.dumps({"text": "Hello", "timestamp": 6}))
    assert (assistant.speaker, assistant.text, assistant.at) == ("assistant", "Hello", 6.0)
    staff = transcript_line(3, "bot", json.dumps({"text": "Jo here", "metadata": {"from_staff": "Nurse Jo"}}))
    assert (staff.speaker, staff.staff_name) == ("staff", "Nurse Jo")
    signal = transcript_line(4, "bot", json.dumps({"text": None, "data": {"custom": {"escalation": "emergency"}}}))
    assert (signal.speaker, signal.escalation) == ("assistant", "emergency")
    assert transcript_line(5, "slot", json.dumps({"name": "x"})) is None
    assert transcript_line(6, "bot", "not json") is None


def test_the_latest_procedure_time_and_days_since_it():
    slots = [
        json.dumps({"name": "procedure_time", "value": "2026-11-20T10:00:00Z"}),
        json.dumps({"name": "escalation", "value": "injector"}),
        json.dumps({"name": "procedure_time", "value": "2026-11-27T10:00:00Z"}),
    ]
    moment = latest_procedure_time(slots)
    assert moment == datetime(2026, 11, 27, 10, tzinfo=timezone.utc)
    assert days_since(moment, datetime(2026, 11, 29, 9, 59, tzinfo=timezone.utc)) == 1  # 47 h 59 min
    assert days_since(moment, datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)) == 2
    assert days_since(None, datetime.now(timezone.utc)) is None
    assert latest_procedure_time([json.dumps({"name": "procedure_time", "value": None})]) is None


def test_how_long_ago():
    assert [describe_ago(s) for s in (59, 60, 3599, 3600, 48 * 3600 - 1, 48 * 3600)] == [
        "just now",
        "1 min ago",
        "59 min ago",
        "1 h ago",
        "47 h ago",
        "2 days ago",
    ]

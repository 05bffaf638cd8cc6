"""The plan, milestone, check-in and booking actions with rasa-sdk trackers (clock fixed by AFTERCARE_NOW)."""

import pytest

from actions.actions import (
    ActionAnswerCheckIn,
    ActionAnswerQuestion,
    ActionGivePlan,
    ActionSessionStart,
)
from actions.settings import CLINIC
from aftercare.plan import Progress
from aftercare.timestamps import parse_timestamp
from tests.test_actions import responses, run, slot, tracker

NOW = "2026-11-29T17:00:00Z"
THREE_HOURS_AGO = "2026-11-29T14:00:00Z"
THIRTY_HOURS_AGO = "2026-11-28T11:00:00Z"
TWENTY_NINE_DAYS_AGO = "2026-10-31T17:00:00Z"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("AFTERCARE_NOW", NOW)


def texts(messages):
    return [message["text"] for message in messages if message.get("text")]


def plan_json(messages):
    return [
        message["custom"]["aftercare_plan"] for message in messages if "aftercare_plan" in (message.get("custom") or {})
    ]


def seen(at: str, procedure_time: str, **changes) -> dict:
    return Progress(parse_timestamp(at), parse_timestamp(procedure_time), **changes).to_slot()


def test_the_plan_at_30_hours_lists_what_is_fine_and_waiting_with_the_widget_payload():
    messages, events = run(ActionGivePlan(), tracker("request_plan", procedure_time=THIRTY_HOURS_AGO))
    said = texts(messages)
    assert said[0] == "Here's your aftercare plan for day 1 after your treatment (about 1 day ago)."
    assert any(line.startswith("Fine now:") and "make-up" in line for line in said)
    assert any(line.startswith("Still to wait for: workouts and heavy sweating") for line in said)
    assert "utter_based_on_procedure_time" in responses(messages)
    [payload] = plan_json(messages)
    assert payload["day"] == 1 and "sunscreen" in payload["fine_now"]
    assert slot(events, "plan_pending") is False


def test_the_plan_asks_for_the_procedure_time_first_and_remembers_it_was_asked():
    messages, events = run(ActionGivePlan(), tracker("request_plan"))
    assert responses(messages) == ["utter_ask_procedure_time"]
    assert messages[0]["buttons"]
    assert slot(events, "plan_pending") is True


@pytest.mark.parametrize(
    ("rejected", "response", "value"),
    [
        ("2026-12-05T17:00:00Z", "utter_procedure_time_future", "Sat 5 Dec 2026"),
        ("2024-11-29T17:00:00Z", "utter_procedure_time_too_old", "Fri 29 Nov 2024"),
    ],
)
def test_a_time_that_cannot_be_right_is_explained_before_the_plan_asks_again(rejected, response, value):
    messages, events = run(
        ActionGivePlan(),
        tracker("inform_procedure_time", [{"entity": "implausible_time", "value": rejected}], plan_pending=True),
    )
    assert responses(messages) == [response, "utter_ask_procedure_time"]
    assert messages[0]["understood"] == value
    if response == "utter_procedure_time_too_old":
        assert messages[0]["oldest_plausible"] == "365 days"
    assert slot(events, "plan_pending") is True and slot(events, "procedure_time") == "unset"


def test_the_widget_panel_gets_the_plan_as_json_only_and_nothing_is_announced():
    panel = {"entity": "plan_view", "value": "panel"}
    messages, events = run(ActionGivePlan(), tracker("request_plan", [panel], procedure_time=THREE_HOURS_AGO))
    assert texts(messages) == [] and plan_json(messages)[0]["day"] == 0
    assert slot(events, "aftercare_progress") == "unset"
    messages, _ = run(ActionGivePlan(), tracker("request_plan", [panel]))
    assert plan_json(messages) == [None] and "utter_ask_procedure_time" in responses(messages)


def test_the_plan_at_30_hours_asks_the_24_hour_check_in_once():
    messages, events = run(ActionGivePlan(), tracker("request_plan", procedure_time=THIRTY_HOURS_AGO))
    assert responses(messages)[-1] == "utter_check_in"
    assert messages[-1]["elapsed"] == "about 1 day"  # its quick replies are in domain.yml (the end-to-end test)
    progress = slot(events, "aftercare_progress")
    again, _ = run(
        ActionGivePlan(), tracker("request_plan", procedure_time=THIRTY_HOURS_AGO, aftercare_progress=progress)
    )
    assert "utter_check_in" not in responses(again)


def test_an_answer_after_crossing_24_hours_says_what_changed_first_then_checks_in():
    progress = seen("2026-11-29T08:00:00Z", THIRTY_HOURS_AGO, visit_check_in=True)  # 21 hours after
    messages, events = run(
        ActionAnswerQuestion(), tracker("ask_makeup", procedure_time=THIRTY_HOURS_AGO, aftercare_progress=progress)
    )
    said = texts(messages)
    assert said[0] == "It's now past 24 hours since your treatment, so these are fine now: sunscreen; make-up."
    assert said[1].startswith("Yes, you can wear make-up")
    assert responses(messages)[-1] == "utter_check_in"
    later, _ = run(
        ActionAnswerQuestion(),
        tracker("ask_makeup", procedure_time=THIRTY_HOURS_AGO, aftercare_progress=slot(events, "aftercare_progress")),
    )
    assert texts(later)[0].startswith("Yes, you can wear make-up") and "utter_check_in" not in responses(later)


def test_an_escalating_answer_carries_no_milestone_and_no_check_in():
    progress = seen("2026-11-17T17:00:00Z", "2026-11-17T16:00:00Z", visit_check_in=True)
    messages, events = run(
        ActionAnswerQuestion(),
        tracker(
            "ask_bruising",
            entities=[{"entity": "topic", "value": "bruising", "start": 0, "end": 3}],
            procedure_time="2026-11-17T16:00:00Z",
            aftercare_progress=progress,
        ),
    )
    assert texts(messages)[0].startswith("Bruising from microneedling should have cleared")
    assert "utter_contact_injector_now" in responses(messages) and "utter_check_in" not in responses(messages)
    assert slot(events, "aftercare_progress") == "unset"


def test_the_booking_reminder_comes_once_with_the_clinic_link():
    messages, events = run(ActionAnswerQuestion(), tracker("ask_sunscreen", procedure_time=TWENTY_NINE_DAYS_AGO))
    reminder = [line for line in texts(messages) if "Book online" in line]
    assert reminder == [next(line for line in texts(messages) if CLINIC.booking_url in line)]
    again, _ = run(
        ActionAnswerQuestion(),
        tracker(
            "ask_sunscreen", procedure_time=TWENTY_NINE_DAYS_AGO, aftercare_progress=slot(events, "aftercare_progress")
        ),
    )
    assert not any("Book online" in line for line in texts(again))


def test_a_visit_begun_with_the_widget_time_may_check_in_and_keeps_what_was_announced():
    old = seen("2026-11-28T17:00:00Z", THIRTY_HOURS_AGO, milestones=frozenset({24.0}))
    start = tracker(session_started_metadata={"procedure_time": THIRTY_HOURS_AGO}, aftercare_progress=old)
    _, events = run(ActionSessionStart(), start)
    progress = Progress.from_slot(slot(events, "aftercare_progress"))
    assert progress.visit_check_in and progress.milestones == {24.0}
    _, events = run(ActionSessionStart(), tracker())
    assert Progress.from_slot(slot(events, "aftercare_progress")).visit_check_in is False


def test_something_worries_me_asks_what_with_the_clinic_numbers():
    messages, _ = run(ActionAnswerCheckIn(), tracker("check_in_worried", procedure_time=THIRTY_HOURS_AGO))
    assert responses(messages) == ["utter_ask_what_worries"]
    assert messages[0]["phone"] == CLINIC.phone and messages[0]["emergency_number"] == CLINIC.emergency_number


def test_all_good_says_what_comes_next():
    messages, _ = run(ActionAnswerCheckIn(), tracker("check_in_all_good", procedure_time=THIRTY_HOURS_AGO))
    assert responses(messages)[0] == "utter_check_in_all_good"
    assert texts(messages)[0].startswith("Next milestone:") and "workouts" in texts(messages)[0]


@pytest.mark.parametrize(
    ("entity", "response"),
    [
        ({"entity": "time_ahead", "value": "2026-12-02T17:00:00Z"}, "utter_procedure_time_future"),  # "in 3 days"
        ({"entity": "implausible_time", "value": "2024-11-29T17:00:00Z"}, "utter_procedure_time_too_old"),  # 2 years
    ],
)
def test_a_time_for_the_pending_plan_that_cannot_be_right_is_explained_not_asked_again_silently(entity, response):
    messages, events = run(ActionGivePlan(), tracker("inform_procedure_time", [entity], plan_pending=True))
    assert responses(messages) == [response, "utter_ask_procedure_time"]
    assert slot(events, "procedure_time") == "unset" and slot(events, "plan_pending") is True


def test_in_three_days_is_no_procedure_time_when_nothing_waits_for_one():
    entity = {"entity": "time_ahead", "value": "2026-12-02T17:00:00Z"}
    messages, events = run(ActionAnswerQuestion(), tracker("ask_exercise", [entity]))
    assert slot(events, "procedure_time") == "unset"
    assert "utter_procedure_time_future" not in responses(messages)

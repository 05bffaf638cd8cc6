"""The aftercare plan from the shipped care guide, with a fixed clock: 3 hours, 30 hours and 9 days after."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from aftercare.care_guide import domain_topics, load_care_guide
from aftercare.clinic import ConfigError, load_clinic
from aftercare.plan import (
    Progress,
    booking_message,
    booking_window,
    build_plan,
    crossed_milestones,
    describe_hours,
    due_check_in,
    milestone_message,
    milestones,
    plan_messages,
    plan_payload,
    turn_news,
)

CLINIC = load_clinic("clinic.yml")
GUIDE = load_care_guide(CLINIC.care_guide, domain_topics(Path("domain.yml")))
DETAILS = CLINIC.contact_details()
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # noon in New York, the clinic's time zone
ZONE = CLINIC.timezone


def plan_at(hours: float):
    return build_plan(GUIDE, NOW - timedelta(hours=hours), NOW)


def waiting(plan) -> dict[str, datetime]:
    return {item.label: item.fine_at for item in plan.waiting}


def test_three_hours_after_only_gentle_care_is_fine_and_make_up_waits_until_24_hours():
    plan = plan_at(3)
    assert plan.day == 0
    assert "gentle cleansing twice a day" in plan.fine_now and "a gentle walk" in plan.fine_now
    for label in (
        "make-up",
        "sunscreen",
        "workouts and heavy sweating",
        "gentle exfoliation",
        "retinol and other retinoids",
    ):
        assert label not in plan.fine_now
    assert waiting(plan)["make-up"] == NOW + timedelta(hours=21)
    assert waiting(plan)["workouts and heavy sweating"] == NOW + timedelta(hours=45)
    assert waiting(plan)["swimming, saunas, hot tubs and hot showers"] == NOW + timedelta(hours=69)
    assert waiting(plan)["gentle exfoliation"] == NOW + timedelta(hours=165)
    normal = {item.label for item in plan.normal}
    assert {"redness", "swelling", "bruising"} <= normal
    assert plan.no_longer_expected == ("pinpoint bleeding",)  # bleeding is expected for the first hour only
    assert plan.next_milestone.hours == 24 and set(plan.next_milestone.allows) == {"make-up", "sunscreen"}


def test_thirty_hours_after_make_up_and_sunscreen_are_fine_exercise_and_heat_wait():
    plan = plan_at(30)
    assert plan.day == 1
    assert {"make-up", "sunscreen"} <= set(plan.fine_now)
    assert waiting(plan)["workouts and heavy sweating"] == NOW + timedelta(hours=18)
    assert "swimming, saunas, hot tubs and hot showers" in waiting(plan)
    assert {item.label: item.until for item in plan.normal}["swelling"] == NOW + timedelta(hours=18)
    assert plan.next_milestone.hours == 48


def test_nine_days_after_almost_everything_is_fine_retinol_waits_and_redness_is_no_longer_expected():
    plan = plan_at(9 * 24)
    assert plan.day == 9
    for label in ("make-up", "workouts and heavy sweating", "gentle exfoliation", "gentle acids and vitamin C"):
        assert label in plan.fine_now
    assert list(waiting(plan)) == [
        "retinol and other retinoids",
        "waxing, threading and hair removal creams",
        "self-tan and spray tan",
        "Botox, fillers, facials and gentle laser",
        "chemical peels and laser resurfacing",
    ]
    assert waiting(plan)["retinol and other retinoids"] == NOW + timedelta(hours=24)
    assert [item.label for item in plan.normal] == ["bruising"]  # up to 10 days
    assert {"redness", "swelling", "dryness, flaking and tightness"} <= set(plan.no_longer_expected)
    assert plan.next_milestone.hours == 240


def test_the_plan_reads_local_times_and_says_whom_to_contact_for_what_is_no_longer_expected():
    messages = plan_messages(plan_at(9 * 24), ZONE, DETAILS)
    assert messages[0] == "Here's your aftercare plan for day 9 after your treatment (about 1 week ago)."
    waits = next(message for message in messages if message.startswith("Still to wait for: "))
    assert waits.startswith("Still to wait for: retinol and other retinoids (from around 12 pm tomorrow); waxing")
    assert waits.endswith("chemical peels and laser resurfacing (from around 12 pm on Fri 18 Dec).")
    no_longer = next(message for message in messages if message.startswith("No longer expected"))
    assert "redness" in no_longer and CLINIC.phone in no_longer and CLINIC.injector_name in no_longer
    assert messages[-1].startswith("Next milestone: around 12 pm tomorrow (10 days after your treatment)")
    assert plan_messages(plan_at(3), ZONE, DETAILS)[0].startswith("Here's your aftercare plan for today")


def test_the_widget_payload_holds_day_fine_now_and_the_next_milestone():
    payload = plan_payload(plan_at(30), ZONE)
    assert payload["day"] == 1 and "make-up" in payload["fine_now"]
    two_days = "workouts and heavy sweating; a drink in moderation; flying"
    assert payload["next_milestone"] == f"around 6 am tomorrow (48 hours after your treatment): {two_days}"
    assert payload["waiting"][0] == {"label": "workouts and heavy sweating", "from": "around 6 am tomorrow"}


def test_a_window_changed_in_the_care_guide_changes_the_plan(tmp_path):
    raw = yaml.safe_load(Path("care_guide.yml").read_text())
    raw["topics"]["makeup"]["windows"][0]["until_hours"] = 12
    raw["topics"]["makeup"]["windows"][1]["from_hours"] = 12
    path = tmp_path / "care_guide.yml"
    path.write_text(yaml.safe_dump(raw))
    guide = load_care_guide(path, domain_topics(Path("domain.yml")))
    plan = build_plan(guide, NOW - timedelta(hours=13), NOW)
    assert "make-up" in plan.fine_now and "sunscreen" not in plan.fine_now
    assert 12 in {milestone.hours for milestone in milestones(guide)}


def test_milestones_are_the_windows_that_allow_something_and_the_booking_window():
    hours = {milestone.hours: milestone for milestone in milestones(GUIDE)}
    assert sorted(hours) == [24, 48, 72, 168, 240, 336, 672]
    assert hours[672].booking and hours[672].allows == ("chemical peels and laser resurfacing",)
    assert [m.hours for m in crossed_milestones(GUIDE, 23, 25)] == [24]
    assert [m.hours for m in crossed_milestones(GUIDE, 24, 25)] == []  # already past at the last message
    assert [m.hours for m in crossed_milestones(GUIDE, 30, 9 * 24)] == [48, 72, 168]
    # 4 weeks: peels become fine (a milestone message); the booking reminder is said on its own
    assert [m.hours for m in crossed_milestones(GUIDE, 600, 700)] == [672]


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        (24, "24 hours"),
        (48, "48 hours"),
        (72, "3 days"),
        (168, "7 days"),
        (240, "10 days"),
        (672, "4 weeks"),
        (36, "36 hours"),
    ],
)
def test_milestones_are_named_as_people_say_them(hours, said):
    assert describe_hours(hours) == said


def test_the_milestone_message_names_what_has_become_fine():
    crossed = crossed_milestones(GUIDE, 30, 9 * 24)
    message = milestone_message(crossed)
    assert message.startswith("It's now past 7 days since your treatment, so these are fine now:")
    assert "workouts and heavy sweating" in message and "gentle exfoliation" in message
    assert milestone_message(()) is None


@pytest.mark.parametrize(
    ("hours", "done", "due"),
    [
        (3, set(), None),
        (23.9, set(), None),
        (24, set(), 24),
        (30, set(), 24),
        (30, {24}, None),
        (167, set(), 24),
        (168, {24}, 168),
        (9 * 24, set(), 168),
        (9 * 24, {168}, None),
        (14 * 24, set(), None),
    ],
)
def test_check_ins_at_24_hours_and_7_days_once_each(hours, done, due):
    check_in = due_check_in(GUIDE, hours, frozenset(done))
    assert (check_in.from_hours if check_in else None) == due


def test_a_conversation_spanning_24_hours_announces_the_milestone_and_checks_in_once():
    procedure_time = NOW - timedelta(hours=30)
    earlier = NOW - timedelta(hours=8)  # 22 hours after the treatment
    seen = Progress(seen_at=earlier, seen_procedure_time=procedure_time, visit_check_in=True)
    news = turn_news(GUIDE, seen, procedure_time, NOW)
    assert [m.hours for m in news.crossed] == [24]
    assert news.check_in.from_hours == 24
    again = turn_news(GUIDE, news.progress, procedure_time, NOW + timedelta(minutes=5))
    assert again.crossed == () and again.check_in is None


def test_no_milestone_message_the_first_time_or_after_the_procedure_time_changed():
    procedure_time = NOW - timedelta(hours=30)
    assert turn_news(GUIDE, Progress(), procedure_time, NOW).crossed == ()
    other = Progress(seen_at=NOW - timedelta(hours=8), seen_procedure_time=NOW - timedelta(hours=10))
    assert turn_news(GUIDE, other, procedure_time, NOW).crossed == ()


def test_a_check_in_waits_for_a_visit_that_began_with_the_time_known_unless_the_plan_is_asked():
    procedure_time = NOW - timedelta(hours=30)
    assert turn_news(GUIDE, Progress(), procedure_time, NOW).check_in is None
    assert turn_news(GUIDE, Progress(), procedure_time, NOW, plan_asked=True).check_in.from_hours == 24
    assert turn_news(GUIDE, Progress().new_visit(True), procedure_time, NOW).check_in.from_hours == 24


def test_the_booking_reminder_comes_once_in_the_next_session_window_with_the_link():
    procedure_time = NOW - timedelta(days=29)
    news = turn_news(GUIDE, Progress(), procedure_time, NOW)
    assert news.remind_booking
    assert not turn_news(GUIDE, news.progress, procedure_time, NOW).remind_booking
    assert not turn_news(GUIDE, Progress(), NOW - timedelta(days=27), NOW).remind_booking
    text = booking_message(booking_window(GUIDE), DETAILS, CLINIC.booking_url)
    assert text.endswith(f"Book online: {CLINIC.booking_url}") and CLINIC.phone in text
    assert "Book online" not in booking_message(booking_window(GUIDE), DETAILS, None)


@pytest.mark.parametrize("value", [None, "text", [], {"seen_at": "yesterday", "milestones": ["x", True, 24]}])
def test_an_unreadable_progress_slot_counts_as_nothing_seen(value):
    progress = Progress.from_slot(value)
    assert progress.seen_at is None and progress.milestones <= {24.0}


def test_progress_survives_the_slot_round_trip():
    progress = replace(
        Progress(NOW, NOW - timedelta(hours=3), frozenset({24.0}), frozenset({24.0}), True), visit_check_in=True
    )
    assert Progress.from_slot(progress.to_slot()) == progress


BASE = yaml.safe_load(Path("care_guide.yml").read_text())


def guide_with(edit):
    raw = yaml.safe_load(yaml.safe_dump(BASE))
    edit(raw)
    return raw


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda g: g["topics"]["makeup"]["windows"][1].update(allows="make-up"), "'allows' must be a list"),
        (lambda g: g["topics"]["makeup"]["windows"][1].update(allows=[""]), "'allows' item 1 must be a short"),
        (lambda g: g["topics"]["sunscreen"]["windows"][1].update(allows=["Make-up"]), "names 'Make-up' again"),
        (lambda g: g["topics"]["makeup"].update(effect="make-up"), "'effect' needs a window with 'escalate: true'"),
        (lambda g: g["topics"]["makeup"].update(colour="red"), "topic 'makeup': unknown key 'colour'"),
        (lambda g: g["topics"]["makeup"]["windows"][1].update(booking_reminder="yes"), "'booking_reminder' must be"),
        (lambda g: g["topics"]["makeup"]["windows"][1].update(booking_reminder=True), "only one window may have"),
        (lambda g: g.update(check_ins=[{"from_hours": 24}]), "check_ins item 1 must have exactly"),
        (lambda g: g.update(check_ins=[{"from_hours": 24, "until_hours": 12}]), "'until_hours' must be after"),
        (
            lambda g: g.update(
                check_ins=[{"from_hours": 24, "until_hours": 200}, {"from_hours": 168, "until_hours": 300}]
            ),
            "check_ins item 2 starts before check-in 1 ends",
        ),
    ],
)
def test_a_bad_plan_key_is_refused_naming_the_file_and_the_key(tmp_path, edit, message):
    path = tmp_path / "care_guide.yml"
    path.write_text(yaml.safe_dump(guide_with(edit)))
    with pytest.raises(ConfigError) as error:
        load_care_guide(path, domain_topics(Path("domain.yml")))
    assert str(error.value).startswith(str(path)) and message in str(error.value)

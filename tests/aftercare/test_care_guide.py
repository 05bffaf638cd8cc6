"""The care guide as shipped: every topic, every window boundary, and the timings the seed article sets."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aftercare.care_guide import Topic, Window, advise, describe_local_time, domain_topics, load_care_guide
from aftercare.clinic import load_clinic

CLINIC = load_clinic("clinic.yml")
GUIDE = load_care_guide(CLINIC.care_guide, domain_topics(Path("domain.yml")))
DETAILS = CLINIC.contact_details()
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)


def answer(topic: str, hours_ago: float | None):
    procedure_time = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return advise(GUIDE.topics[topic], procedure_time, NOW, CLINIC.timezone, DETAILS)


BOUNDARIES = [
    (name, index, window.from_hours)
    for name, topic in GUIDE.topics.items()
    for index, window in enumerate(topic.windows)
    if index > 0
]


@pytest.mark.parametrize(("name", "index", "boundary"), BOUNDARIES)
def test_every_window_starts_exactly_at_its_boundary(name, index, boundary):
    topic = GUIDE.topics[name]
    assert topic.window_at(boundary - 0.01) is topic.windows[index - 1]
    assert topic.window_at(boundary) is topic.windows[index]


@pytest.mark.parametrize("name", sorted(GUIDE.topics))
def test_every_topic_answers_at_every_stage_with_its_placeholders_filled(name):
    for hours in (0, 0.2, 3, 23, 25, 47, 49, 71, 73, 6 * 24, 8 * 24, 12 * 24, 30 * 24, 400 * 24):
        advice = answer(name, hours)
        assert advice.text and "{" not in advice.text and "}" not in advice.text


@pytest.mark.parametrize("name", sorted(GUIDE.topics))
def test_only_time_dependent_topics_wait_for_the_procedure_time(name):
    topic = GUIDE.topics[name]
    assert (answer(name, None) is None) == topic.needs_time


SEED_SIDE_EFFECTS_AND_TIPS = [
    "bleeding",
    "redness",
    "swelling",
    "bruising",
    "dryness",
    "infection_risk",
    "touching",
    "cleansing",
    "scrubs",
    "moisturizer",
    "sunscreen",
    "makeup",
    "hydration",
]


@pytest.mark.parametrize("name", SEED_SIDE_EFFECTS_AND_TIPS)
def test_every_side_effect_and_tip_in_the_seed_article_has_a_topic(name):
    assert name in GUIDE.topics


@pytest.mark.parametrize(
    ("topic", "hours_ago", "starts_with", "escalates"),
    [
        ("makeup", 3, "Not yet", False),
        ("makeup", 23, "Not yet", False),
        ("makeup", 25, "Yes", False),
        ("makeup", 72, "Yes", False),
        ("sunscreen", 23, "Not yet", False),
        ("sunscreen", 25, "Yes", False),
        ("scrubs", 6 * 24, "Not yet", False),
        ("scrubs", 8 * 24, "It has been over a week", False),
        ("bleeding", 10 / 60, "A little pinpoint bleeding", False),
        ("bleeding", 6, "Bleeding should have stopped", True),
        ("bruising", 2 * 24, "A bit of bruising", False),
        ("bruising", 12 * 24, "Bruising from microneedling should have cleared", True),
        ("redness", 3, "Redness is the most common", False),
        ("redness", 4 * 24, "Redness usually settles within 2-3 days, but", False),
        ("redness", 8 * 24, "Redness should have settled within a week", True),
        ("swelling", 5, "Mild swelling", False),
        ("swelling", 3 * 24, "Swelling normally settles", True),
        ("dryness", 3 * 24, "Dryness, flaking", False),
        ("dryness", 9 * 24, "Dryness and flaking usually settle", True),
    ],
)
def test_answers_follow_the_time_since_the_procedure(topic, hours_ago, starts_with, escalates):
    advice = answer(topic, hours_ago)
    assert advice.text.startswith(starts_with)
    assert advice.escalate is escalates


def test_make_up_says_when_it_will_be_fine():
    # Procedure at 14:00 New York time; make-up from 24 h later, i.e. 2 pm the next day.
    procedure = datetime(2026, 11, 29, 19, 0, tzinfo=timezone.utc)
    now = procedure + timedelta(hours=3)
    advice = advise(GUIDE.topics["makeup"], procedure, now, "America/New_York", DETAILS)
    assert "around 2 pm tomorrow" in advice.text


def test_expected_effects_have_a_point_past_which_they_escalate():
    for name in ("bleeding", "redness", "swelling", "bruising", "dryness", "itching", "breakouts"):
        assert GUIDE.topics[name].expected_until_hours is not None, name
    assert GUIDE.topics["makeup"].expected_until_hours is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 29, 20, 7, tzinfo=timezone.utc), "around 3:15 pm today"),
        (datetime(2026, 11, 30, 19, 0, tzinfo=timezone.utc), "around 2 pm tomorrow"),
        (datetime(2026, 12, 6, 15, 0, tzinfo=timezone.utc), "around 10 am on Sun 6 Dec"),
    ],
)
def test_local_times_are_rounded_up_and_named_by_day(moment, expected):
    assert describe_local_time(moment, NOW, "America/New_York") == expected


def test_negative_elapsed_time_counts_as_zero():
    topic = Topic("t", (Window(0, 24, "early"), Window(24, None, "late")))
    assert topic.window_at(-5).text == "early"


def test_the_earlier_today_button_means_what_typing_earlier_today_means():
    from aftercare.procedure_time import find_procedure_time

    button = next(button for button in GUIDE.time_buttons if button.title == "Earlier today")
    typed = find_procedure_time("I had it done earlier today", NOW, "UTC")
    assert NOW - typed.value == timedelta(hours=button.hours_ago) == timedelta(hours=2)

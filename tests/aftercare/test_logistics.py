"""Questions about the clinic are answered from clinic.yml, or with the clinic's phone when a detail is missing."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from aftercare.clinic import load_clinic
from aftercare.logistics import (
    ADDRESS,
    APPOINTMENT,
    OPENING_HOURS,
    PRICES,
    QUESTIONS,
    WHO_TREATED_ME,
    logistics_answer,
)

CLINIC = load_clinic("clinic.yml")
BARE = replace(CLINIC, address=None, booking_url=None, prices_url=None)
SUNDAY_NOON = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # closed on Sundays in New York
MONDAY_10AM = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)
CHRISTMAS_10AM = datetime(2026, 12, 25, 15, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("clinic", [CLINIC, BARE], ids=["full", "bare"])
def test_every_answer_gives_the_phone_and_never_asks_when_the_treatment_was(question, clinic):
    text = logistics_answer(question, clinic, SUNDAY_NOON)
    assert clinic.phone in text
    assert "when did you have" not in text.lower() and "{" not in text


def test_appointments_point_to_the_booking_link_for_booking_moving_and_cancelling():
    text = logistics_answer(APPOINTMENT, CLINIC, SUNDAY_NOON)
    assert "book, move or cancel" in text and "https://glowskin.example/book" in text


def test_without_a_booking_link_appointments_go_to_the_phone():
    text = logistics_answer(APPOINTMENT, BARE, SUNDAY_NOON)
    assert "https://" not in text and "call Glow Skin Clinic on +1 555 010 2030" in text


def test_prices_point_to_the_price_list_or_the_phone():
    assert "https://glowskin.example/prices" in logistics_answer(PRICES, CLINIC, SUNDAY_NOON)
    assert "I don't have the clinic's prices" in logistics_answer(PRICES, BARE, SUNDAY_NOON)


@pytest.mark.parametrize(
    ("now", "says"),
    [
        (SUNDAY_NOON, "It's closed now and opens tomorrow at 9am."),
        (MONDAY_10AM, "It's open now."),
        (CHRISTMAS_10AM, "It's closed now and opens tomorrow at 10am."),  # a closed date
    ],
)
def test_opening_hours_say_whether_it_is_open_now(now, says):
    text = logistics_answer(OPENING_HOURS, CLINIC, now)
    assert "Mon-Fri 9am-6pm, Sat 10am-2pm" in text and says in text


def test_the_address_comes_from_the_clinic_file_or_the_phone():
    assert "120 Main Street, Suite 4, Springfield" in logistics_answer(ADDRESS, CLINIC, SUNDAY_NOON)
    assert "For the clinic's address and directions" in logistics_answer(ADDRESS, BARE, SUNDAY_NOON)


def test_who_treated_me_does_not_pretend_to_know_the_booking():
    text = logistics_answer(WHO_TREATED_ME, CLINIC, SUNDAY_NOON)
    assert "I can't see your booking" in text and "Dr. Maya Patel" in text


def test_an_unknown_question_is_refused():
    with pytest.raises(ValueError):
        logistics_answer("ask_makeup", CLINIC, SUNDAY_NOON)

"""Opening hours (aftercare/opening_hours.py): open or closed at a moment, the next opening, the text patients read."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from aftercare.opening_hours import OpeningHoursError, describe_moment, parse_opening_hours

NEW_YORK = ZoneInfo("America/New_York")
WEEK = {
    "monday": "09:00-18:00",
    "tuesday": "09:00-18:00",
    "wednesday": "09:00-12:30, 13:30-18:00",
    "thursday": "09:00-18:00",
    "friday": "09:00-18:00",
    "saturday": "10:00-14:00",
    "sunday": "closed",
}
HOURS = parse_opening_hours(WEEK, ["2026-12-25"], NEW_YORK)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-11-30T08:59", False),  # Monday, a minute before opening
        ("2026-11-30T09:00", True),
        ("2026-11-30T17:59", True),
        ("2026-11-30T18:00", False),  # closing time itself is closed
        ("2026-12-02T12:45", False),  # Wednesday lunch break
        ("2026-12-02T13:30", True),
        ("2026-12-05T13:00", True),  # Saturday
        ("2026-12-06T12:00", False),  # Sunday
        ("2026-12-25T12:00", False),  # a Friday, but a closed date
    ],
)
def test_open_or_closed_in_the_clinic_time_zone(moment, is_open):
    assert HOURS.is_open(local(moment)) is is_open


def test_a_utc_moment_is_read_in_the_clinic_time_zone():
    assert HOURS.is_open(datetime(2026, 11, 30, 14, 0, tzinfo=timezone.utc))  # 9:00 in New York
    assert not HOURS.is_open(datetime(2026, 11, 30, 13, 59, tzinfo=timezone.utc))


@pytest.mark.parametrize(
    ("moment", "next_opening"),
    [
        ("2026-11-30T10:00", "2026-11-30T10:00"),  # open now: now
        ("2026-11-30T07:00", "2026-11-30T09:00"),
        ("2026-11-30T23:00", "2026-12-01T09:00"),  # 11 pm: tomorrow morning
        ("2026-12-02T12:45", "2026-12-02T13:30"),  # after lunch
        ("2026-12-05T15:00", "2026-12-07T09:00"),  # Saturday afternoon: Monday
        ("2026-12-24T19:00", "2026-12-26T10:00"),  # Christmas Eve evening: past Christmas to Saturday
    ],
)
def test_the_next_opening(moment, next_opening):
    assert HOURS.next_opening(local(moment)) == local(next_opening)


def test_across_a_daylight_saving_change():
    hours = parse_opening_hours({"sunday": "09:00-17:00"}, None, NEW_YORK)
    # 8 March 2026: clocks go forward at 2 am; 9 am local is 13:00 UTC, not 14:00.
    assert hours.next_opening(datetime(2026, 3, 8, 6, 0, tzinfo=timezone.utc)) == local("2026-03-08T09:00")
    assert hours.is_open(datetime(2026, 3, 8, 13, 0, tzinfo=timezone.utc))


def test_the_text_patients_read_is_written_from_the_hours():
    assert HOURS.describe() == "Mon-Tue 9am-6pm, Wed 9am-12:30pm, 1:30pm-6pm, Thu-Fri 9am-6pm, Sat 10am-2pm"
    weekdays = parse_opening_hours(
        {day: "08:30-24:00" for day in WEEK if day not in ("saturday", "sunday")}, [], NEW_YORK
    )
    assert weekdays.describe() == "Mon-Fri 8:30am-midnight"
    assert weekdays.is_open(local("2026-11-30T23:59"))


def test_describing_a_moment_relative_to_now():
    now = local("2026-11-30T23:00")
    assert describe_moment(local("2026-11-30T23:30"), now, NEW_YORK) == "today at 11:30pm"
    assert describe_moment(local("2026-12-01T09:00"), now, NEW_YORK) == "tomorrow at 9am"
    assert describe_moment(local("2026-12-07T09:00"), now, NEW_YORK) == "Monday 7 Dec at 9am"


def test_a_week_of_closed_dates_has_no_next_opening_only_when_every_day_is_closed():
    hours = parse_opening_hours({"monday": "09:00-10:00"}, [f"2026-12-{day:02d}" for day in (7, 14, 21)], NEW_YORK)
    assert hours.next_opening(local("2026-12-01T12:00")) == local("2026-12-28T09:00")
    with pytest.raises(OpeningHoursError, match="closed every day"):
        parse_opening_hours({"monday": "closed"}, [], NEW_YORK)

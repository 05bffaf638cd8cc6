"""When the clinic is open: weekly hours and closed dates in the clinic's time zone, and the text patients see.

clinic.yml holds them (one source of truth: the "Mon-Fri 9am-6pm, Sat 10am-2pm" in every reply is written from
them):

    opening_hours:
      monday: 09:00-18:00
      saturday: 10:00-14:00
      sunday: closed                 # a day left out is closed too
      wednesday: 09:00-12:30, 13:30-18:00
    closed_dates: [2026-12-25, 2027-01-01]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SHORT_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CLOSED = "closed"
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# How far ahead "when does the clinic next open" looks: past a year of closed dates there is no answer.
_LOOK_AHEAD_DAYS = 370


class OpeningHoursError(ValueError):
    """The opening hours in the clinic file are wrong; the message names the key and the problem."""


@dataclass(frozen=True)
class Period:
    """One opening on one day, in the clinic's local time; `end` 24:00 is written as time.max."""

    start: time
    end: time

    def describe(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


@dataclass(frozen=True)
class OpeningHours:
    """The clinic's week (Monday first) and its closed dates, in its time zone."""

    week: tuple[tuple[Period, ...], ...]
    closed_dates: frozenset[date]
    timezone: ZoneInfo

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The openings on a local calendar day (none on a closed date)."""
        return () if day in self.closed_dates else self.week[day.weekday()]

    def is_open(self, moment: datetime) -> bool:
        """Whether the clinic is open at an aware moment."""
        local = moment.astimezone(self.timezone)
        return any(period.start <= local.time() < period.end for period in self.periods_on(local.date()))

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the clinic next opens after an aware moment (itself when open then), aware in the clinic's zone.

        None when it never opens within about a year (every day closed).
        """
        local = moment.astimezone(self.timezone)
        for days_ahead in range(_LOOK_AHEAD_DAYS):
            day = local.date() + timedelta(days=days_ahead)
            for period in self.periods_on(day):
                start = datetime.combine(day, period.start, tzinfo=self.timezone)
                end = datetime.combine(day, period.end, tzinfo=self.timezone)
                if local < end:
                    return max(start, local)
        return None

    def describe(self) -> str:
        """The weekly hours as patients read them, e.g. "Mon-Fri 9am-6pm, Sat 10am-2pm"."""
        groups: list[tuple[int, int, tuple[Period, ...]]] = []
        for index, periods in enumerate(self.week):
            if groups and groups[-1][2] == periods and groups[-1][1] == index - 1:
                groups[-1] = (groups[-1][0], index, periods)
            else:
                groups.append((index, index, periods))
        parts = []
        for first, last, periods in groups:
            if not periods:
                continue
            days = SHORT_NAMES[first] if first == last else f"{SHORT_NAMES[first]}-{SHORT_NAMES[last]}"
            parts.append(f"{days} {', '.join(period.describe() for period in periods)}")
        return ", ".join(parts) if parts else "closed"


def _clock(moment: time) -> str:
    if moment == time.max:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def describe_moment(moment: datetime, now: datetime, timezone: ZoneInfo) -> str:
    """A moment as a patient reads it relative to now: "today at 9am", "tomorrow at 10am", "Monday 7 Dec at 9am"."""
    local, today = moment.astimezone(timezone), now.astimezone(timezone).date()
    clock = _clock(local.time().replace(second=0, microsecond=0))
    if local.date() == today:
        return f"today at {clock}"
    if local.date() == today + timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"{local:%A} {local.day} {local:%b} at {clock}"


def _parse_clock(hours: str, minutes: str, key: str) -> time:
    hour, minute = int(hours), int(minutes)
    if hour == 24 and minute == 0:
        return time.max
    if hour > 23 or minute > 59:
        raise OpeningHoursError(f"key '{key}': {hours}:{minutes} is not a time of day (00:00 to 24:00)")
    return time(hour, minute)


def _parse_day(value: Any, key: str) -> tuple[Period, ...]:
    if value is None or (isinstance(value, str) and value.strip().lower() == CLOSED) or value is False:
        return ()
    if not isinstance(value, str):
        raise OpeningHoursError(f"key '{key}' must be times such as '09:00-18:00' or 'closed', not {value!r}")
    periods = []
    for part in value.split(","):
        found = _RANGE.match(part)
        if not found:
            raise OpeningHoursError(f"key '{key}': {part.strip()!r} is not a time range such as '09:00-18:00'")
        start = _parse_clock(found[1], found[2], key)
        end = _parse_clock(found[3], found[4], key)
        if start >= end:
            raise OpeningHoursError(f"key '{key}': {part.strip()!r} ends before it starts")
        if periods and start < periods[-1].end:
            raise OpeningHoursError(f"key '{key}': {part.strip()!r} overlaps or comes before the range before it")
        periods.append(Period(start, end))
    return tuple(periods)


def _parse_dates(value: Any) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise OpeningHoursError(f"key 'closed_dates' must be a list of dates such as [2026-12-25], not {value!r}")
    dates = set()
    for item in value:
        if isinstance(item, datetime) or not isinstance(item, (date, str)):
            raise OpeningHoursError(f"key 'closed_dates': {item!r} is not a date such as 2026-12-25")
        try:
            dates.add(item if isinstance(item, date) else date.fromisoformat(item.strip()))
        except ValueError:
            raise OpeningHoursError(f"key 'closed_dates': {item!r} is not a date such as 2026-12-25") from None
    return frozenset(dates)


def parse_opening_hours(weekly: Any, closed_dates: Any, timezone: ZoneInfo) -> OpeningHours:
    """Reads `opening_hours` and `closed_dates` as clinic.yml holds them; OpeningHoursError says what is wrong."""
    if not isinstance(weekly, dict) or not weekly:
        raise OpeningHoursError(
            "key 'opening_hours' must map weekdays to times, e.g. {monday: '09:00-18:00', sunday: closed}"
        )
    unknown = sorted(str(day) for day in weekly if str(day).lower() not in WEEKDAYS)
    if unknown:
        raise OpeningHoursError(f"key 'opening_hours': '{unknown[0]}' is not a weekday (monday ... sunday)")
    by_name = {str(day).lower(): value for day, value in weekly.items()}
    week = tuple(_parse_day(by_name.get(day), f"opening_hours.{day}") for day in WEEKDAYS)
    if not any(week):
        raise OpeningHoursError("key 'opening_hours': the clinic is closed every day; give at least one opening")
    return OpeningHours(week=week, closed_dates=_parse_dates(closed_dates), timezone=timezone)

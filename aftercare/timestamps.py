"""Procedure times as the assistant stores and shows them: UTC timestamps, the reference clock, time zones.

Plain Python (no spaCy), shared by the time extractor, the actions, the channels and the demo page.
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta
from datetime import timezone as datetime_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = datetime_timezone.utc
NOW_ENV_VAR = "AFTERCARE_NOW"
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks disagree a little; "just now" must not be future
OLDEST_PLAUSIBLE = timedelta(days=365)
# How numeric dates such as 03/04 are read (clinic.yml `date_order`): March 4 or 3 April.
DATE_ORDERS = ("MDY", "DMY")
# Python's datetimes end at years 1 and 9999; a parsed time keeps this much room on either side, so that showing
# it in any time zone (offsets reach 26 hours) or moving it by a day never raises OverflowError.
CALENDAR_MARGIN = timedelta(days=2)
EARLIEST_TIMESTAMP = datetime.min.replace(tzinfo=UTC) + CALENDAR_MARGIN
LATEST_TIMESTAMP = datetime.max.replace(tzinfo=UTC) - CALENDAR_MARGIN


def reference_now() -> datetime:
    """The current moment, aware and in UTC.

    When the environment variable `AFTERCARE_NOW` holds an ISO 8601 timestamp with `Z` or an offset
    (e.g. `2026-11-29T17:00:00Z`), that moment is returned instead: a fixed clock, so that the
    assistant's story tests and demos give the same answers on every day they run. An empty value
    counts as unset; an invalid one raises ValueError naming the variable.
    """
    fixed = os.environ.get(NOW_ENV_VAR, "").strip()
    if not fixed:
        return datetime.now(UTC)
    try:
        return parse_timestamp(fixed)
    except ValueError as error:
        raise ValueError(f"Environment variable {NOW_ENV_VAR}: {error}") from None


def parse_timestamp(value: str) -> datetime:
    """Reads an ISO 8601 timestamp with `Z` or a UTC offset, returning it in UTC.

    Raises ValueError for anything else, including times without an offset and times within two days of the
    ends of the calendar (e.g. `0001-01-01T00:00:00+05:00`), which no patient had and no time zone can show.
    """
    if not isinstance(value, str):
        raise ValueError(f"Expected an ISO 8601 timestamp as text, got {type(value).__name__}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Not an ISO 8601 timestamp: {value!r} (expected e.g. '2026-11-28T17:00:00Z')") from None
    if moment.utcoffset() is None:
        raise ValueError(f"Timestamp {value!r} has no UTC offset: add 'Z' or an offset such as '-05:00'")
    if not EARLIEST_TIMESTAMP <= moment <= LATEST_TIMESTAMP:
        raise ValueError(f"Timestamp {value!r} is outside the range of dates the assistant can work with")
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """Writes an aware datetime as UTC with seconds precision, e.g. `2026-11-28T17:00:00Z`."""
    if moment.utcoffset() is None:
        raise ValueError(f"Cannot format {moment!r}: it has no time zone")
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def load_timezone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`; ValueError when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"Unknown IANA time zone: {name!r} (e.g. 'America/New_York')") from None


def is_valid_timezone(name: object) -> bool:
    """Whether `name` is an IANA time zone name this machine knows."""
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        load_timezone(name)
    except ValueError:
        return False
    return True


def plausibility_problem(value: datetime, now: datetime) -> str | None:
    """Why a procedure time cannot be right, or None when it is plausible.

    "future" when it is more than FUTURE_TOLERANCE after `now`, "too_old" when more than OLDEST_PLAUSIBLE before.
    """
    if value - now > FUTURE_TOLERANCE:
        return "future"
    if now - value > OLDEST_PLAUSIBLE:
        return "too_old"
    return None


def _rounded(amount: float) -> int:
    """Rounds half up (2.5 -> 3), as people do."""
    return int(math.floor(amount + 0.5))


def _count(amount: int, unit: str) -> str:
    return f"about {amount} {unit}{'' if amount == 1 else 's'}"


def describe_elapsed(value: datetime, now: datetime) -> str:
    """How long ago `value` was, as a bot reply says it: "about 3 hours", "about 2 days".

    Minutes under an hour, hours under a day, days under a week, weeks under 9 weeks, then months of
    30 days; each rounded to the nearest whole unit. A moment in the future is described by its
    distance from now as well.
    """
    minutes = abs((now - value).total_seconds()) / 60
    if minutes < 1:
        return "less than a minute"
    if _rounded(minutes) < 60:
        return _count(_rounded(minutes), "minute")
    hours = minutes / 60
    if _rounded(hours) < 24:
        return _count(_rounded(hours), "hour")
    days = hours / 24
    if _rounded(days) < 7:
        return _count(_rounded(days), "day")
    if _rounded(days) < 63:
        return _count(_rounded(days / 7), "week")
    return _count(_rounded(days / 30), "month")

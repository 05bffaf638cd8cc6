"""Procedure times as the assistant stores and shows them (aftercare/timestamps.py)."""

from __future__ import annotations

import time as wall_clock
from datetime import datetime, timedelta, timezone

import pytest

from aftercare.timestamps import (
    NOW_ENV_VAR,
    describe_elapsed,
    format_timestamp,
    parse_timestamp,
    plausibility_problem,
    reference_now,
)

NOW = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("offset", "problem"),
    [
        (timedelta(minutes=5), None),
        (timedelta(minutes=5, seconds=1), "future"),
        (timedelta(days=-365), None),
        (timedelta(days=-365, seconds=-1), "too_old"),
    ],
)
def test_plausibility_boundaries(offset: timedelta, problem: str | None) -> None:
    assert plausibility_problem(NOW + offset, NOW) == problem


@pytest.mark.parametrize(
    ("elapsed", "description"),
    [
        (timedelta(seconds=30), "less than a minute"),
        (timedelta(minutes=1), "about 1 minute"),
        (timedelta(minutes=15), "about 15 minutes"),
        (timedelta(minutes=90), "about 2 hours"),
        (timedelta(hours=3), "about 3 hours"),
        (timedelta(hours=23, minutes=40), "about 1 day"),
        (timedelta(days=2), "about 2 days"),
        (timedelta(days=7), "about 1 week"),
        (timedelta(days=17), "about 2 weeks"),
        (timedelta(days=90), "about 3 months"),
    ],
)
def test_describes_the_elapsed_time(elapsed: timedelta, description: str) -> None:
    assert describe_elapsed(NOW - elapsed, NOW) == description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T17:00:00Z", "2026-11-28T17:00:00Z"),
        ("2026-11-28T12:00:00-05:00", "2026-11-28T17:00:00Z"),
        ("2026-11-28T18:00:00+01:00", "2026-11-28T17:00:00Z"),
        ("2026-11-28T17:00:00.123456Z", "2026-11-28T17:00:00Z"),
        (" 2026-11-28t17:00z ".upper(), "2026-11-28T17:00:00Z"),
    ],
)
def test_timestamps_round_trip(text: str, expected: str) -> None:
    assert format_timestamp(parse_timestamp(text)) == expected
    assert parse_timestamp(expected).tzinfo == timezone.utc


@pytest.mark.parametrize("text", ["2026-11-28T17:00:00", "2026-11-28", "yesterday", "", "Z", "2026-13-01T00:00Z"])
def test_parse_timestamp_refuses_anything_but_an_aware_iso_time(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601|UTC offset"):
        parse_timestamp(text)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-02T12:00:00Z", "9999-12-30T00:00:00Z"]
)
def test_parse_timestamp_refuses_the_ends_of_the_calendar_with_a_value_error(text: str) -> None:
    # These raised OverflowError, which the channels did not expect: a 500 over REST, silence over socket.io.
    with pytest.raises(ValueError, match="outside the range"):
        parse_timestamp(text)


@pytest.mark.parametrize("text", ["0001-01-03T00:00:00Z", "9999-12-29T00:00:00Z"])
def test_a_parsed_time_can_be_shown_in_any_time_zone_and_moved_by_a_day(text: str) -> None:
    moment = parse_timestamp(text)
    for offset in (timedelta(hours=23, minutes=59), -timedelta(hours=23, minutes=59)):
        (moment + offset / abs(offset) * timedelta(days=1)).astimezone(timezone(offset))
    assert format_timestamp(moment) == text


def test_parse_timestamp_refuses_non_text() -> None:
    with pytest.raises(ValueError, match="as text"):
        parse_timestamp(1764435600)  # type: ignore[arg-type]


def test_format_timestamp_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_timestamp(datetime(2026, 11, 28, 17, 0))


def test_reference_now_is_fixed_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV_VAR, "2026-11-29T12:00:00-05:00")
    assert reference_now() == NOW


def test_reference_now_is_the_real_clock_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NOW_ENV_VAR, raising=False)
    now = reference_now()
    assert now.tzinfo == timezone.utc
    assert abs(now.timestamp() - wall_clock.time()) < 5


def test_reference_now_names_the_variable_when_it_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV_VAR, "2026-11-29 noon")
    with pytest.raises(ValueError, match=NOW_ENV_VAR):
        reference_now()

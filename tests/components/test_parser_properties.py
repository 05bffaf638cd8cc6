"""Properties of the pure parsers on any input (Hypothesis): only the documented exception ever escapes.

aftercare/timestamps.py raises only ValueError and round-trips what it writes; the procedure-time parser and
the warning-sign engine never raise on any text, however long or odd, and their spans point into that text.
Before the calendar-edge fix, `0001-01-01T00:00:00+05:00` raised OverflowError (a 500 over REST).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare.procedure_time import find_procedure_time, load_time_patterns
from aftercare.timestamps import (
    EARLIEST_TIMESTAMP,
    LATEST_TIMESTAMP,
    format_timestamp,
    parse_timestamp,
)
from aftercare.warning_signs import default_lexicon, detect_warning_signs
from tests.strategies import ANY_TEXT, AWARE_MOMENTS, EDGE_DATE_TEXT, JSON_VALUES, TIMESTAMP_TEXT

# Bounded and without an example database in the repository; the deadline catches a parser gone quadratic.
FAST = settings(max_examples=150, deadline=timedelta(seconds=2), database=None)
SLOWER = settings(
    max_examples=60, deadline=timedelta(seconds=5), database=None, suppress_health_check=[HealthCheck.too_slow]
)
ZONES = st.sampled_from(
    ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
)
NOW = st.datetimes(datetime(2020, 1, 1), datetime(2035, 1, 1), timezones=st.just(timezone.utc))


@pytest.fixture(scope="module", autouse=True)
def loaded_vocabularies() -> None:
    """Loads the vocabularies once, so that the first example's deadline is not spent reading YAML."""
    load_time_patterns()
    default_lexicon()


@FAST
@given(TIMESTAMP_TEXT | ANY_TEXT)
def test_parse_timestamp_gives_an_aware_time_in_range_or_value_error(text: str) -> None:
    try:
        moment = parse_timestamp(text)
    except ValueError:
        return
    assert moment.utcoffset() == timedelta(0)
    assert EARLIEST_TIMESTAMP <= moment <= LATEST_TIMESTAMP
    # Whatever it accepted can be shown and moved by a day in any time zone (the OverflowError of the audit).
    for offset in (timedelta(hours=-26), timedelta(hours=26)):
        format_timestamp((moment + offset).astimezone(timezone(timedelta(hours=14))))


@FAST
@given(JSON_VALUES.filter(lambda value: not isinstance(value, str)))
def test_parse_timestamp_refuses_anything_but_text_with_value_error(value: object) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)  # type: ignore[arg-type]


@FAST
@given(AWARE_MOMENTS)
def test_a_written_timestamp_reads_back_as_the_same_moment(moment: datetime) -> None:
    written = format_timestamp(moment)
    assert parse_timestamp(written) == moment.astimezone(timezone.utc).replace(microsecond=0)
    assert format_timestamp(parse_timestamp(written)) == written
    assert parse_timestamp(moment.isoformat()) == moment  # with its own offset and microseconds


@SLOWER
@given(text=ANY_TEXT | EDGE_DATE_TEXT, now=NOW, zone=ZONES, date_order=st.sampled_from(["MDY", "DMY"]))
def test_the_procedure_time_parser_never_raises_on_text(text: str, now: datetime, zone: str, date_order: str) -> None:
    mention = find_procedure_time(text, now, zone, date_order)
    if mention is not None:
        assert text[mention.start : mention.end] == mention.text
        assert mention.value.utcoffset() == timedelta(0)
        format_timestamp(mention.value)  # the action stores it like this


@SLOWER
@given(ANY_TEXT)
def test_the_warning_sign_engine_never_raises_on_text(text: str) -> None:
    signs = detect_warning_signs(text)
    for sign in signs:
        assert text[sign.start : sign.end] == sign.text
    assert [sign.start for sign in signs] == sorted(sign.start for sign in signs)

"""Hypothesis strategies for what patients and clients can send: shared by the property tests and the live fuzz.

Every example is bounded (text of at most a few thousand characters, small JSON), so the tests stay fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

# Any character Python can hold in text read from UTF-8, i.e. everything but lone surrogates.
CHARACTERS = st.characters(blacklist_categories=("Cs",))
# Controls, invisible format characters, unusual spaces and combining marks: what cleaning has to deal with.
ODD_CHARACTERS = st.characters(whitelist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"))
# Pieces the parsers and Rasa react to: time words, warning signs, negations, slash commands and JSON-ish text.
PIECES = (
    "3 days ago|yesterday|last night|at 3pm|on friday|2026-11-25|11/25|25/11/2026|31/12/9999|0001-01-01|1/1/0001|"
    "day 3 post|it's been a week|this morning|99999999999999999999 days ago|12:99|at 25|a few hours|half an hour|"
    "pus|swelling|my lips are swelling|wheezing|yellow crust|hot|spreading|redness|not|no longer|no pus|isn't|"
    'is it normal|can I wear make-up?|/greet|/@|/{|/}|/greet{|/greet{"a": |/inform{"procedure_time": 1}|'
    '/ask_makeup{"x":[[[[|{"message": null}|[1, {"a": "b"}]|null|true|-1e999|\\u0000|\\ud800'
).split("|")
ODD_PIECES = [" ", "  ", ", ", ".", "-", "/", ":", "'", "’", "\n", "\t", "\x00", "\x1b[31m", "\u200b", "\u202e"]
ODD_PIECES += ["\ufeff", "\u00ad", "\ufdfa", "😷", "👩🏽‍⚕️", "أمس", "İ", "ſ", "K", "ｐｕｓ", "p\u200bus"]

TEXT = st.text(CHARACTERS, max_size=80)
ODD_TEXT = st.text(ODD_CHARACTERS, max_size=40)
MIXED_TEXT = st.lists(st.sampled_from(PIECES + ODD_PIECES) | TEXT, max_size=12).map("".join)
# A few thousand characters: a short piece repeated (the channels refuse over 1,000; the parsers must not break).
HUGE_TEXT = st.tuples(st.sampled_from(PIECES + ODD_PIECES) | TEXT.filter(bool), st.integers(200, 2000)).map(
    lambda parts: (parts[0] * parts[1])[:6000]
)
ANY_TEXT = st.one_of(TEXT, ODD_TEXT, MIXED_TEXT, HUGE_TEXT)
# Dates at the ends of the calendar with a time of day: moved into UTC, they leave the calendar.
EDGE_DATE_TEXT = st.tuples(
    st.sampled_from(["on ", "", "it was "]),
    st.sampled_from(["12/31/9999", "31/12/9999", "9999-12-31", "dec 31 9999", "1/1/0001", "0001-01-01", "jan 1 0001"]),
    st.sampled_from(["", " at 11pm", " at 1am", " at 11:59 pm", " in the evening", " in the morning", " at noon"]),
).map("".join)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT | st.sampled_from(PIECES),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=10,
)
# What a procedure time in metadata may be: good ones, ones at the ends of the calendar, and anything else.
EDGE_OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
)
TIMESTAMP_TEXT = st.one_of(
    st.tuples(st.datetimes(), EDGE_OFFSETS | st.sampled_from(["Z", "z", ""])).map(
        lambda parts: parts[0].isoformat() + parts[1]
    ),
    st.datetimes(datetime(2025, 1, 1), datetime(2027, 1, 1), timezones=st.just(timezone.utc)).map(datetime.isoformat),
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-11-28T17:00:00Z", ""]),
)
METADATA_VALUES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "procedure_time": TIMESTAMP_TEXT | JSON_VALUES,
            "timezone": st.sampled_from(["Europe/London", "America/New_York", "Mars/Olympus", "", "../../etc"])
            | JSON_VALUES,
        },
    ),
    st.dictionaries(TEXT, JSON_VALUES, max_size=4),
    JSON_VALUES,
)
# Conversation ids: plausible, empty, huge, non-printable, and values that are not text at all.
SENDER_IDS = st.one_of(
    st.text(st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=20),
    TEXT,
    ODD_TEXT,
    st.text(max_size=5).map(lambda text: text * 100),
    JSON_VALUES,
)
AWARE_MOMENTS = st.datetimes(
    min_value=datetime.min + timedelta(days=3),
    max_value=datetime.max - timedelta(days=3),
    timezones=st.timezones(),
)

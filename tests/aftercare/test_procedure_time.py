"""How patients' words for the procedure time are read (aftercare/procedure_time/).

Reference: Sunday 29 Nov 2026, 17:00 UTC, which is 12:00 in New York (EST, UTC-5).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from aftercare.procedure_time import (
    DEFAULT_EXPRESSIONS_FILE,
    TimeMention,
    build_time_patterns,
    find_procedure_time,
    find_symptom_onset,
    find_time_ahead,
    load_time_patterns,
)
from aftercare.timestamps import (
    format_timestamp,
    plausibility_problem,
)

NOW = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # a Sunday
ZONE = "America/New_York"
TWO_HOURS_AGO = "2026-11-29T15:00:00Z"  # a day named as today
FIFTEEN_MINUTES_AGO = "2026-11-29T16:45:00Z"  # just now
YESTERDAY = "2026-11-28T17:00:00Z"
FRIDAY = "2026-11-27T17:00:00Z"
THURSDAY = "2026-11-26T17:00:00Z"
WEDNESDAY = "2026-11-25T17:00:00Z"
TUESDAY = "2026-11-24T17:00:00Z"
MONDAY = "2026-11-23T17:00:00Z"
A_WEEK_AGO = "2026-11-22T17:00:00Z"


def found(text: str, date_order: str = "MDY", zone: str = ZONE, now: datetime = NOW) -> str | None:
    """The timestamp understood from `text`, or None."""
    mention = find_procedure_time(text, now, zone, date_order)
    return format_timestamp(mention.value) if mention else None


NAMED_DAYS = [
    ("yesterday", YESTERDAY),
    ("I had it done yesterday", YESTERDAY),
    ("Yesterday!!", YESTERDAY),
    ("the day before yesterday", FRIDAY),
    ("day before yesterday", FRIDAY),
    ("since Monday", MONDAY),
    ("on Tuesday", TUESDAY),
    ("last Friday", FRIDAY),
    ("got it done Thursday", THURSDAY),
    ("wednesday", WEDNESDAY),
    ("Saturday", YESTERDAY),
    ("tues", TUESDAY),
    ("had it weds", WEDNESDAY),
    ("this past Friday", FRIDAY),
    # The named weekday is today: today's rule, or a week ago with "last".
    ("on Sunday", TWO_HOURS_AGO),
    ("since Sunday", TWO_HOURS_AGO),
    ("last Sunday", A_WEEK_AGO),
]

TODAY_AND_JUST_NOW = [
    ("today", TWO_HOURS_AGO),
    ("earlier today", TWO_HOURS_AGO),
    ("had it today", TWO_HOURS_AGO),
    ("just now", FIFTEEN_MINUTES_AGO),
    ("just had it", FIFTEEN_MINUTES_AGO),
    ("I just got it done", FIFTEEN_MINUTES_AGO),
]

PARTS_OF_DAY = [
    ("this morning", "2026-11-29T14:00:00Z"),
    ("this afternoon", "2026-11-29T19:00:00Z"),  # later than now: returned, rejected by the bot
    ("this evening", "2026-11-29T23:00:00Z"),
    ("tonight", "2026-11-29T23:00:00Z"),
    ("last night", "2026-11-29T01:00:00Z"),  # yesterday 20:00 local
    ("yesterday morning", "2026-11-28T14:00:00Z"),
    ("yesterday afternoon", "2026-11-28T19:00:00Z"),
    ("yesterday evening", "2026-11-28T23:00:00Z"),
    ("Friday night", "2026-11-28T01:00:00Z"),
    ("monday in the morning", "2026-11-23T14:00:00Z"),
    # A clock time next to a day; an hour without am/pm below 8 is in the afternoon.
    ("yesterday at 3pm", "2026-11-28T20:00:00Z"),
    ("yesterday at 3", "2026-11-28T20:00:00Z"),
    ("at 10:30am on Friday", "2026-11-27T15:30:00Z"),
    ("this morning at 8", "2026-11-29T13:00:00Z"),
    ("last night at 11", "2026-11-29T04:00:00Z"),
    ("Nov 25 at 9am", "2026-11-25T14:00:00Z"),
    ("today at 11am", "2026-11-29T16:00:00Z"),
]

ELAPSED = [
    ("2 days ago", FRIDAY),
    ("two days ago", FRIDAY),
    ("48 hrs ago", FRIDAY),
    ("48hrs ago", FRIDAY),
    ("3 hours ago", "2026-11-29T14:00:00Z"),
    ("an hour ago", "2026-11-29T16:00:00Z"),
    ("1 hr ago", "2026-11-29T16:00:00Z"),
    ("5h ago", "2026-11-29T12:00:00Z"),
    ("a few hours ago", "2026-11-29T14:00:00Z"),
    ("couple of hours ago", "2026-11-29T15:00:00Z"),
    ("a couple of days ago", FRIDAY),
    ("several days ago", THURSDAY),
    ("half an hour ago", "2026-11-29T16:30:00Z"),
    ("20 min ago", "2026-11-29T16:40:00Z"),
    ("45 mins ago", "2026-11-29T16:15:00Z"),
    ("an hour and a half ago", "2026-11-29T15:30:00Z"),
    ("1.5 days ago", "2026-11-28T05:00:00Z"),
    ("ten days ago", "2026-11-19T17:00:00Z"),
    ("a week ago", A_WEEK_AGO),
    ("1 wk ago", A_WEEK_AGO),
    ("2 wks ago", "2026-11-15T17:00:00Z"),
    ("2 weeks back", "2026-11-15T17:00:00Z"),
    ("last week", A_WEEK_AGO),
    ("a month ago", "2026-10-30T17:00:00Z"),  # a month is 30 days
    ("it's been 4 days", WEDNESDAY),
    ("its been about a week", A_WEEK_AGO),
    ("It has been twelve hours", "2026-11-29T05:00:00Z"),
    ("4 days post", WEDNESDAY),
    ("5 days post-procedure", TUESDAY),
    ("3 days out", THURSDAY),
    ("I'm on day 3", THURSDAY),
    ("day 3 post", THURSDAY),
    ("day 3 after", THURSDAY),
    ("it's day 2", FRIDAY),
]

DATES_MDY = [
    ("Nov 25", WEDNESDAY),
    ("November 25th", WEDNESDAY),
    ("25 November", WEDNESDAY),
    ("25th Nov", WEDNESDAY),
    ("the 25th of November", WEDNESDAY),
    ("the 25th", WEDNESDAY),
    ("on the 29th", TWO_HOURS_AGO),  # today
    ("the 30th", "2026-10-30T16:00:00Z"),  # not come yet this month: last month (EDT, UTC-4)
    ("2026-11-25", WEDNESDAY),
    ("11/25", WEDNESDAY),
    ("11/25/2026", WEDNESDAY),
    ("11-25-26", WEDNESDAY),
    ("25/11", WEDNESDAY),  # impossible as month/day: read the other way round
    ("3/4", "2026-03-04T17:00:00Z"),
    ("Nov 29", TWO_HOURS_AGO),  # today
    ("Oct 25", "2026-10-25T16:00:00Z"),  # 12:00 local clock time, daylight saving (UTC-4)
    ("Dec 5", "2026-12-05T17:00:00Z"),  # no year: this year, even in the future
    ("Nov 25, 2025", "2025-11-25T17:00:00Z"),
]

DATES_DMY = [
    ("3/4", "2026-04-03T16:00:00Z"),
    ("25/11", WEDNESDAY),
    ("11/25", WEDNESDAY),  # impossible as day/month: read the other way round
    ("25-11-2026", WEDNESDAY),
    ("25.11.2026", WEDNESDAY),
    ("Nov 25", WEDNESDAY),
]

NOT_ABOUT_THE_PROCEDURE = [
    "tomorrow",
    "can I wear make-up tomorrow",
    "in 2 days",
    "my wedding is in 2 days",
    "next week",
    "next Friday",
    "this Friday",
    "until Monday",
    "every Monday",
    "my appointment is on Friday",
    "twice a day",
    "every day",
    "once a week",
    "for 2 weeks",
    "avoid the gym for 3 days post",
    "at 3pm",
    "can I wear make-up today",
    "should I wash my face tonight",
    "is it safe to exercise on Friday",
    "I have 2 days off work",
    "my pain is 7/10",
    "2-3 days",
    "can I go in the sun",
    "the 2nd session",
    "hello",
    "",
]

FIRST_MENTION_ABOUT_THE_PROCEDURE = [
    ("I had it yesterday, can I wear makeup tomorrow?", YESTERDAY),
    ("Can I wear makeup? I had it done 2 days ago", FRIDAY),
    ("should I be this red if I had it done on Friday", FRIDAY),
    ("my wedding is next Saturday and I had it done on Tuesday", TUESDAY),
    ("I'm on day 3, is peeling normal?", THURSDAY),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    NAMED_DAYS + TODAY_AND_JUST_NOW + PARTS_OF_DAY + ELAPSED + DATES_MDY + FIRST_MENTION_ABOUT_THE_PROCEDURE,
)
def test_reads_the_procedure_time(text: str, expected: str) -> None:
    assert found(text) == expected


# Split into words by the tokenizer rules ("48hrs", "ok.yesterday", "wed." is not "we'd"), then matched.
TOKENIZED = [
    ("Had it yesterday.Is this normal?", "yesterday", YESTERDAY),
    ("~2 days ago", "2 days ago", FRIDAY),
    ("2-3 days ago", "3 days ago", THURSDAY),
    ("day3 post", "day3 post", THURSDAY),
    ("on wed.", "wed", WEDNESDAY),
    ("Nov.25", "Nov.25", WEDNESDAY),
    ("a  few\n days   ago", "a  few\n days   ago", THURSDAY),
    ("It’s been 4 days", "It’s been 4 days", WEDNESDAY),
    ("yesterday at 3pm.", "yesterday at 3pm", "2026-11-28T20:00:00Z"),
    ("(2026-11-25)", "2026-11-25", WEDNESDAY),
]


@pytest.mark.parametrize(("text", "mention", "expected"), TOKENIZED)
def test_reads_phrases_however_they_are_typed(text: str, mention: str, expected: str) -> None:
    found_mention = find_procedure_time(text, NOW, ZONE)
    assert (found_mention.text, format_timestamp(found_mention.value)) == (mention, expected)
    assert text[found_mention.start : found_mention.end] == mention


def test_a_clock_time_does_not_end_the_question() -> None:
    assert found("can I wear makeup at 10:30am on Friday") is None


@pytest.mark.parametrize(("text", "expected"), DATES_DMY)
def test_reads_numeric_dates_in_day_month_order(text: str, expected: str) -> None:
    assert found(text, date_order="DMY") == expected


@pytest.mark.parametrize("text", NOT_ABOUT_THE_PROCEDURE)
def test_ignores_times_that_are_not_about_the_procedure(text: str) -> None:
    assert found(text) is None


def test_the_mention_says_where_it_is_in_the_text() -> None:
    text = "Hi! I got microneedling 2 days ago, is this normal?"
    mention = find_procedure_time(text, NOW, ZONE)
    assert mention == TimeMention(24, 34, "2 days ago", datetime(2026, 11, 27, 17, tzinfo=timezone.utc))
    assert text[mention.start : mention.end] == mention.text


def test_the_patients_time_zone_decides_which_day_is_meant() -> None:
    # 17:00 UTC is 12:00 in New York but already 02:00 on Monday in Tokyo.
    assert found("last night", zone="Europe/London") == "2026-11-28T20:00:00Z"
    assert found("Sunday", zone="Asia/Tokyo") == "2026-11-28T17:00:00Z"  # yesterday there
    assert found("2 days ago", zone="Asia/Tokyo") == FRIDAY  # elapsed time needs no zone


def test_a_part_of_today_still_to_come_is_in_the_future() -> None:
    early = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # 07:00 in New York
    mention = find_procedure_time("this morning", early, ZONE)
    assert format_timestamp(mention.value) == "2026-11-29T14:00:00Z"
    assert plausibility_problem(mention.value, early) == "future"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2 days ago", None),
        ("just now", None),
        ("this afternoon", "future"),
        ("Dec 5", "future"),
        ("11 months ago", None),
        ("Nov 25, 2025", "too_old"),
        ("2025-11-29", None),  # exactly 365 days before now
        ("2025-11-28", "too_old"),
    ],
)
def test_the_assistant_can_reject_implausible_times(text: str, problem: str | None) -> None:
    mention = find_procedure_time(text, NOW, ZONE)
    assert mention is not None
    assert plausibility_problem(mention.value, NOW) == problem


@pytest.mark.parametrize(
    ("now", "zone", "date_order", "message"),
    [
        (datetime(2026, 11, 29, 17, 0), ZONE, "MDY", "aware"),
        (NOW, "Mars/Olympus_Mons", "MDY", "time zone"),
        (NOW, ZONE, "YMD", "date_order"),
    ],
)
def test_find_procedure_time_refuses_bad_settings(now: datetime, zone: str, date_order: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_procedure_time("yesterday", now, zone, date_order)


ODD_TEXTS = [
    "😷🔥💉 " * 50,
    "yesterday " * 2000,  # 20,000 characters
    "x" * 20_000,
    "9" * 20_000,
    "/1" * 10_000,
    "أجريت العملية أمس",  # right-to-left
    "\u202eyad 2 ago\u202c",
    "had it\x00 yesterday\x07\x1b[31m",
    "İ" * 100 + " yesterday",  # changes length when lower-cased
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_text_never_raises(text: str) -> None:
    mention = find_procedure_time(text, NOW, ZONE)
    if mention is not None:
        assert text[mention.start : mention.end] == mention.text


def test_spans_survive_text_that_changes_length_when_lower_cased() -> None:
    text = "İ" * 100 + " had it done yesterday"
    mention = find_procedure_time(text, NOW, ZONE)
    assert (mention.text, format_timestamp(mention.value)) == ("yesterday", YESTERDAY)


# Pieces of text the parser reacts to, and odd characters, glued together in any order.
FUZZ_PIECES = [" ", " ", ", ", "-", "/", ".", ":", "’", "'", "\n", "\x00", "\u202e", "😷", "أمس", "İ", "ſ", "K"]
FUZZ_PIECES += (
    "yesterday ago 2 48 11 25th days hrs the nov at 3pm can i last night on friday day post been it's".split()
)
FUZZ_PIECES += "a few half and this morning next for had today just now week month sunday 2026 2026-11-25".split()


@settings(max_examples=300, deadline=None, database=None)  # no example database in the repository
@given(st.lists(st.sampled_from(FUZZ_PIECES), max_size=40).map("".join))
def test_any_text_gives_a_valid_mention_or_none(text: str) -> None:
    mention = find_procedure_time(text, NOW, ZONE)
    if mention is not None:
        assert text[mention.start : mention.end] == mention.text
        assert mention.value.tzinfo == timezone.utc


def _vocabulary() -> dict:
    return yaml.safe_load(DEFAULT_EXPRESSIONS_FILE.read_text(encoding="utf-8"))


def test_a_clinic_can_teach_a_new_word_in_the_vocabulary() -> None:
    vocabulary = _vocabulary()
    assert found("got it done sat") is None  # "sat" is left out on purpose
    vocabulary["weekdays"][5].append("sat")
    patterns = build_time_patterns(vocabulary)
    mention = find_procedure_time("got it done sat", NOW, ZONE, patterns=patterns)
    assert format_timestamp(mention.value) == YESTERDAY


def test_the_matcher_is_spacy_rule_matching_over_a_blank_english_pipeline() -> None:
    patterns = load_time_patterns()
    assert isinstance(patterns.matcher, Matcher)
    assert (patterns.nlp.lang, patterns.nlp.pipe_names) == ("en", [])
    assert load_time_patterns().matcher is patterns.matcher  # built once per vocabulary file


def test_words_added_to_the_vocabulary_extend_the_matcher() -> None:
    vocabulary = _vocabulary()
    vocabulary["number_words"]["a handful of"] = 5
    vocabulary["days_back"]["the other day"] = 2
    vocabulary["units"]["week"]["words"].append("wk.")
    vocabulary["ignore"]["question_cues"].append("is it too early to")
    patterns = build_time_patterns(vocabulary)
    for text, before, after in [
        ("a handful of days ago", None, TUESDAY),
        ("had it the other day", None, FRIDAY),
        ("3 wk. ago", None, "2026-11-08T17:00:00Z"),
        ("is it too early to exfoliate after my treatment on Friday", FRIDAY, None),
    ]:
        mention = find_procedure_time(text, NOW, ZONE, patterns=patterns)
        assert (found(text), format_timestamp(mention.value) if mention else None) == (before, after)


def test_a_clinic_can_change_the_today_guess() -> None:
    vocabulary = _vocabulary()
    vocabulary["today"]["minutes_before_now"] = 60
    mention = find_procedure_time("today", NOW, ZONE, patterns=build_time_patterns(vocabulary))
    assert format_timestamp(mention.value) == "2026-11-29T16:00:00Z"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda vocabulary: vocabulary.pop("number_words"), "number_words"),
        (lambda vocabulary: vocabulary.update(ago_words="ago"), "ago_words"),
        (lambda vocabulary: vocabulary["weekdays"].pop(), "weekdays"),
        (lambda vocabulary: vocabulary["units"]["hour"].update(minutes="sixty"), "units.hour.minutes"),
    ],
)
def test_a_broken_vocabulary_names_the_key(change, key: str) -> None:
    vocabulary = copy.deepcopy(_vocabulary())
    change(vocabulary)
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        build_time_patterns(vocabulary, source="procedure_time.yml")


def test_the_vocabulary_file_is_loaded_once() -> None:
    assert load_time_patterns() is load_time_patterns(str(DEFAULT_EXPRESSIONS_FILE))


def test_a_missing_vocabulary_file_is_named(tmp_path) -> None:
    with pytest.raises(ValueError, match="missing.yml: file not found"):
        load_time_patterns(tmp_path / "missing.yml")


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("on 12/31/9999", "America/New_York"),  # 9999-12-31 12:00 in New York is in the year 10000 in UTC
        ("on 12/31/9999 at 11pm", "Pacific/Pago_Pago"),
        ("0001-01-01 at 1am", "Asia/Kolkata"),  # before the year 1 in UTC
    ],
)
def test_a_date_at_the_ends_of_the_calendar_is_no_procedure_time(text: str, zone: str) -> None:
    # It raised OverflowError: the patient got the "technical problem" reply instead of the time question.
    assert find_procedure_time(text, NOW, zone) is None


# --- Only a time about the procedure is the procedure time ---------------------------------------------------

ABOUT_THE_PROCEDURE = [
    ("my session was on thursday", THURSDAY),
    ("got it done yesterday, my cheeks are tight", YESTERDAY),
    ("thursday I think", THURSDAY),
    ("yesterday. is the peeling normal?", YESTERDAY),
    ("I'm on day 2", FRIDAY),
    ("2 days post and it stings", FRIDAY),
    ("it's been 3 days and my skin is rough", THURSDAY),
    ("it itches since yesterday, but the treatment was on friday", FRIDAY),
    ("today is day 2 and I'm peeling", FRIDAY),
]
ABOUT_SOMETHING_ELSE = [
    "my face has been itchy since thursday",  # when a symptom started
    "the peeling began 2 days ago",
    "can my skin feel this hot tonight?",  # when the patient writes
    "my cousin's wedding was yesterday and I wore make-up",  # another event
    "I cleaned my brushes on friday",
    "it bled a bit yesterday and I used a new cleanser",
    "today is Sunday and my face is still peeling",  # the day's name, not the procedure's
    "today is my day off, is the flaking normal?",
]


@pytest.mark.parametrize(("text", "expected"), ABOUT_THE_PROCEDURE)
def test_a_time_about_the_procedure_sets_it(text: str, expected: str) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", ABOUT_SOMETHING_ELSE)
def test_a_time_about_something_else_leaves_the_procedure_time_alone(text: str) -> None:
    assert found(text) is None


def test_since_when_a_symptom_lasts_is_its_onset_not_the_procedure_time() -> None:
    text = "red since yesterday morning, had it done thursday"
    onset = find_symptom_onset(text, NOW, ZONE)
    assert (onset.text, format_timestamp(onset.value)) == ("yesterday morning", "2026-11-28T14:00:00Z")
    assert found(text) == THURSDAY
    assert find_symptom_onset("had it done since yesterday", NOW, ZONE) is None  # about the procedure


@pytest.mark.parametrize(
    ("text", "expected"),
    [("in 3 days", 3 * 24), ("in about 2 weeks", 14 * 24), ("in two days i think", 2 * 24)],
)
def test_a_time_ahead_standing_alone_is_read_but_is_never_a_procedure_time(text: str, expected: float) -> None:
    assert found(text) is None
    ahead = find_time_ahead(text, NOW, ZONE)
    assert ahead is not None and (ahead.value - NOW).total_seconds() / 3600 == expected


@pytest.mark.parametrize(
    "text", ["can i go to the gym in 3 days", "I go back for my second session in 4 weeks", "yesterday"]
)
def test_a_time_ahead_inside_another_question_is_no_answer_to_the_time_question(text: str) -> None:
    assert find_time_ahead(text, NOW, ZONE) is None


def test_years_ago_are_read_so_a_time_too_long_ago_can_be_explained() -> None:
    assert found("about 2 years ago") == format_timestamp(NOW - timedelta(days=730))

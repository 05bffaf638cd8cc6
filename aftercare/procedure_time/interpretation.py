"""Reading the matches: which mention says when the procedure (or a symptom) happened, as a UTC moment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aftercare.procedure_time.matching import (
    ISO_DATE,
    NUMERIC_DATE,
    Match,
    Reading,
    leftmost_longest,
    load_time_patterns,
    read_matches,
)
from aftercare.procedure_time.vocabulary import TimePatterns, spelling_key
from aftercare.timestamps import DATE_ORDERS, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, UTC, load_timezone

# How far back from a mention a question cue can make it about the future, in characters.
CLAUSE_WINDOW = 200


@dataclass(frozen=True)
class TimeMention:
    """A part of the text that says when the procedure happened, and the moment it means (UTC)."""

    start: int
    end: int
    text: str
    value: datetime


@dataclass(frozen=True)
class _Context:
    """What a phrase is read against: the moment, the patient's zone, the clinic's date order."""

    now: datetime  # UTC
    local_now: datetime
    zone: ZoneInfo
    date_order: str
    patterns: TimePatterns

    @property
    def today(self) -> date:
        return self.local_now.date()


@dataclass(frozen=True)
class _Found:
    """A candidate mention (tokens [start, end)): an exact moment or a local day with an optional clock time."""

    start: int
    end: int
    instant: datetime | None = None
    day: date | None = None
    hour: int | None = None
    minute: int = 0
    part: str | None = None  # morning/afternoon/..., to read "at 10" in it
    ahead: bool = False  # "in 3 days": a time to come, never the procedure's time itself


def _elapsed(match: Match, context: _Context, minutes: float | None) -> _Found | None:
    """The mention of a moment `minutes` before now (None when unknown or at the start of the calendar)."""
    if minutes is None:
        return None
    try:
        instant = context.now - timedelta(minutes=minutes)
    except OverflowError:
        return None
    return _Found(match.start, match.end, instant=instant) if instant >= EARLIEST_TIMESTAMP else None


def _resolve_elapsed(match: Match, context: _Context) -> _Found | None:
    if not (match["been"] or match["after"]):
        return None  # "2 days" alone may be a duration or the future
    amount = (
        float(match["digits"]) if match["digits"] else context.patterns.number_words.get(spelling_key(match["word"]))
    )
    unit = context.patterns.unit_minutes.get(spelling_key(match["unit"]))
    if amount is None or unit is None:
        return None
    halves = bool(match["half_count"]) + bool(match["half_unit"])
    return _elapsed(match, context, (amount + 0.5 * halves) * unit)


def _resolve_ahead(match: Match, context: _Context) -> _Found | None:
    """A moment ahead of now ("in 3 days"): the future, which the assistant explains it cannot use."""
    amount = (
        float(match["digits"]) if match["digits"] else context.patterns.number_words.get(spelling_key(match["word"]))
    )
    unit = context.patterns.unit_minutes.get(spelling_key(match["unit"]))
    if amount is None or unit is None:
        return None
    try:
        instant = context.now + timedelta(minutes=(amount + 0.5 * bool(match["half_count"])) * unit)
    except OverflowError:
        return None
    return _Found(match.start, match.end, instant=instant, ahead=True) if instant <= LATEST_TIMESTAMP else None


def _resolve_day_count(match: Match, context: _Context) -> _Found | None:
    if not (match["lead"] or match["follow"]):
        return None  # "on day 3" alone is often a question about day 3
    count = match["count"]
    days = int(count) if count.isdigit() else context.patterns.number_words.get(spelling_key(count))
    return _elapsed(match, context, days * 1440 if days is not None else None)


def _resolve_previous_period(match: Match, context: _Context) -> _Found | None:
    return _elapsed(match, context, context.patterns.unit_minutes.get(spelling_key(match["unit"])))


def _resolve_days_back(match: Match, context: _Context) -> _Found | None:
    days = context.patterns.days_back.get(spelling_key(match["phrase"]))
    if days is None:
        return None
    return _Found(match.start, match.end, day=context.today - timedelta(days=days))


def _part_found(match: Match, day: date, spelling: str, patterns: TimePatterns) -> _Found | None:
    hour = patterns.part_hours.get(spelling_key(spelling))
    if hour is None:
        return None
    return _Found(match.start, match.end, day=day, hour=hour, part=patterns.part_names.get(spelling_key(spelling)))


def _resolve_last_part(match: Match, context: _Context) -> _Found | None:
    yesterday = context.today - timedelta(days=1)
    return _part_found(match, yesterday, match["part"], context.patterns)


def _resolve_this_part(match: Match, context: _Context) -> _Found | None:
    spelling = match["part"] or match["tonight"]
    return _part_found(match, context.today, spelling, context.patterns)


def _resolve_today(match: Match, context: _Context) -> _Found | None:
    return _Found(match.start, match.end, day=context.today)


def _resolve_just_now(match: Match, context: _Context) -> _Found | None:
    return _Found(match.start, match.end, instant=context.now - context.patterns.just_now_offset)


def _resolve_weekday(match: Match, context: _Context) -> _Found | None:
    weekday = context.patterns.weekday_numbers.get(spelling_key(match["weekday"]))
    if weekday is None:
        return None
    days_back = (context.today.isoweekday() - weekday) % 7
    if days_back == 0 and match["last"] and spelling_key(match["last"]) in context.patterns.last_weekday_words:
        days_back = 7
    return _Found(match.start, match.end, day=context.today - timedelta(days=days_back))


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        made = date(year, month, day)
    except ValueError:
        return None
    # Within two days of the ends of the calendar a local date cannot be moved into UTC (OverflowError, a failed
    # turn); no patient was treated then.
    return made if EARLIEST_TIMESTAMP.date() <= made <= LATEST_TIMESTAMP.date() else None


def _year(text: str | None, context: _Context) -> int:
    if not text:
        return context.today.year  # no year: this year, even if that is in the future
    return int(text) + (2000 if len(text) == 2 else 0)


def _dated(match: Match, day: date | None) -> _Found | None:
    return _Found(match.start, match.end, day=day) if day else None


def _resolve_month_day(match: Match, context: _Context) -> _Found | None:
    month = context.patterns.month_numbers.get(spelling_key(match["month"]))
    if month is None or match["unit"]:
        return None  # "may 2 days" is no date
    return _dated(match, _make_date(_year(match["year"], context), month, int(match["day"])))


def _resolve_ordinal_day(match: Match, context: _Context) -> _Found | None:
    if match["not_a_date"]:
        return None  # "the 2nd session"
    wanted = int(match["day"])
    year, month = context.today.year, context.today.month
    for _ in range(13):  # the most recent month that has this day and where it has passed
        candidate = _make_date(year, month, wanted)
        if candidate and candidate <= context.today:
            return _dated(match, candidate)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def _resolve_iso_date(match: Match, context: _Context) -> _Found | None:
    parts = ISO_DATE.fullmatch(match["date"])
    return _dated(match, _make_date(int(parts["year"]), int(parts["month"]), int(parts["day"])) if parts else None)


def _resolve_numeric_date(match: Match, context: _Context) -> _Found | None:
    parts = NUMERIC_DATE.fullmatch(match["date"])
    if parts is None or match["unit"]:
        return None  # "11/25 days"
    first, second = int(parts["first"]), int(parts["second"])
    if not parts["year"] and (parts["sep"] != "/" or second in context.patterns.score_denominators):
        return None  # "1.5" is a number, "6/10" a pain score
    month, day = (first, second) if context.date_order == "MDY" else (second, first)
    year = _year(parts["year"], context)
    # An impossible reading in the clinic's order is read the other way round ("25/11" under MDY).
    return _dated(match, _make_date(year, month, day) or _make_date(year, day, month))


_RESOLVERS: dict[str, Callable[[Match, _Context], _Found | None]] = {
    "elapsed": _resolve_elapsed,
    "ahead": _resolve_ahead,
    "day_count": _resolve_day_count,
    "previous_period": _resolve_previous_period,
    "days_back": _resolve_days_back,
    "last_part": _resolve_last_part,
    "this_part": _resolve_this_part,
    "today": _resolve_today,
    "just_now": _resolve_just_now,
    "weekday": _resolve_weekday,
    "month_day": _resolve_month_day,
    "day_month": _resolve_month_day,
    "ordinal_day": _resolve_ordinal_day,
    "iso_date": _resolve_iso_date,
    "numeric_date": _resolve_numeric_date,
}


def _clock_time(match: Match, part: str | None, patterns: TimePatterns) -> tuple[int, int] | None:
    """The (hour, minute) of a clock match, or None when it is not clearly a clock time."""
    if match["unit"]:
        return None  # "yesterday 2 days"
    if match["noon"]:
        return 12, 0
    hour_text, _, minute_text = match["clock"].partition(":")
    hour, minute = int(hour_text), int(minute_text or 0)
    ampm = match["ampm"][:1]
    if not (match["lead"] or ampm or minute_text):
        return None  # "yesterday 2" is not a time
    if ampm:
        if not 1 <= hour <= 12:
            return None
        return (hour % 12 + (12 if ampm == "p" else 0)), minute
    if hour > 23:
        return None
    if part in ("afternoon", "evening", "night") and hour < 12:
        hour += 12
    elif part is None and 0 < hour < patterns.afternoon_below_hour:
        hour += 12  # procedures happen in clinic hours: "at 3" is 15:00
    return hour, minute


def _with_time_of_day(found: _Found, reading: Reading, patterns: TimePatterns) -> _Found:
    """Extends a day mention with a part of the day and a clock time around it, when there are."""
    if found.day is None:
        return found
    part = reading.starting.get(("part_after", found.end))
    if part and found.hour is None:
        name, hour = (
            patterns.part_names.get(spelling_key(part["part"])),
            patterns.part_hours.get(spelling_key(part["part"])),
        )
        found = replace(found, end=part.end, hour=hour, part=name)
    after = reading.starting.get(("clock_after", found.end))
    clock = _clock_time(after, found.part, patterns) if after else None
    if after and clock:
        return replace(found, end=after.end, hour=clock[0], minute=clock[1])
    before = reading.ending.get(("clock_before", found.start))
    clock = _clock_time(before, found.part, patterns) if before else None
    if before and clock:
        return replace(found, start=before.start, hour=clock[0], minute=clock[1])
    return found


def _is_ignored(found: _Found, reading: Reading) -> bool:
    """Whether the mention is about the future, a frequency or a duration rather than the procedure."""
    if ("ignored_after", found.start) in reading.ending:
        return True
    if found.day is None:
        return False  # "2 days ago", "it's been 2 days": past by their words
    # The first token of the mention's clause, at most CLAUSE_WINDOW characters back.
    clause, limit = found.start, reading.starts[found.start] - CLAUSE_WINDOW
    while clause > 0 and not reading.breaks[clause - 1] and reading.starts[clause - 1] >= limit:
        clause -= 1
    cues = [reading.ending.get(("question_cue", end)) for end in range(clause + 1, found.start + 1)]
    cue_end = max((cue.end for cue in cues if cue and cue.start >= clause), default=None)
    if cue_end is None:
        return False
    past_words = [reading.ending.get(("past_word", end)) for end in range(cue_end + 1, found.start + 1)]
    return not any(word and word.start >= cue_end for word in past_words)


def _is_about_procedure(found: _Found, reading: Reading, patterns: TimePatterns) -> bool:
    """Whether the mention says when the procedure was (see the module docstring), not another event.

    A time ahead ("in 3 days") only when it stands alone, as an answer to "when did you have your treatment?".
    """
    for kind in ("elapsed_lead", "day_count", "day_count_lead"):
        lead = reading.starting.get((kind, found.start))
        # inside the mention: "today is day 3" counts, "today is Wednesday" is only today's name
        if lead is not None and lead.end <= found.end and not found.ahead:
            return True  # "it's been 2 days", "day 3", "I'm on day 3"
    if not found.ahead and any(
        found.start <= match.start < found.end for match in reading.matches.get("since_word", [])
    ):
        return True  # "4 days post"
    joins = {match.start for match in reading.matches.get("clause_word", [])}
    first = found.start
    while first > 0 and not reading.breaks[first - 1] and first not in joins:
        first -= 1
    last = found.end
    while last < len(reading.words) and not reading.breaks[last - 1] and last not in joins:
        last += 1
    if not found.ahead and any(
        first <= match.start and match.end <= last for match in reading.matches.get("procedure_anchor", [])
    ):
        return True
    outside = [*range(first, found.start), *range(found.end, last)]
    return all(reading.words[i] in patterns.clause_fillers or not reading.words[i].isalpha() for i in outside)


def _moment(found: _Found, context: _Context) -> datetime:
    """The UTC moment a candidate stands for, truncated to the minute."""
    if found.instant is not None:
        moment = found.instant
    elif found.day is not None and found.hour is not None:
        moment = datetime.combine(found.day, time(found.hour, found.minute), tzinfo=context.zone)
    elif found.day == context.today:
        moment = context.now - context.patterns.today_offset
    else:
        clock = context.local_now.time().replace(second=0, microsecond=0)
        moment = datetime.combine(found.day, clock, tzinfo=context.zone)
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _candidates(reading: Reading, context: _Context) -> list[_Found]:
    found = []
    for kind, resolve in _RESOLVERS.items():
        for match in leftmost_longest(reading.matches.get(kind, [])):
            candidate = resolve(match, context)
            if candidate is not None:
                found.append(_with_time_of_day(candidate, reading, context.patterns))
    return sorted(found, key=lambda candidate: (candidate.start, -candidate.end))


def find_procedure_time(
    text: str,
    now: datetime,
    timezone: str,
    date_order: str = "MDY",
    patterns: TimePatterns | None = None,
) -> TimeMention | None:
    """The first mention in `text` of when the procedure happened, or None.

    Args:
        text: what the patient typed.
        now: the reference moment (aware).
        timezone: the patient's IANA time zone, for "yesterday", "this morning" and dates.
        date_order: how to read numeric dates: "MDY" (11/25) or "DMY" (25/11).
        patterns: a vocabulary from `load_time_patterns`; the default file when None.

    Raises ValueError for a naive `now`, an unknown time zone or date order; never for odd text.

    """
    mentions = _mentions(text, now, _checked_zone(now, timezone, date_order), date_order, patterns)
    return next((mention for mention, about, ahead in mentions if about and not ahead), None)


def find_time_ahead(
    text: str,
    now: datetime,
    timezone: str,
    date_order: str = "MDY",
    patterns: TimePatterns | None = None,
) -> TimeMention | None:
    """A time ahead standing alone ("in 3 days", "in about 2 weeks"), or None.

    Not a procedure time: answering the time question, it is a time in the future to explain, not to use.
    Same arguments and errors as `find_procedure_time`.
    """
    mentions = _mentions(text, now, _checked_zone(now, timezone, date_order), date_order, patterns)
    return next((mention for mention, about, ahead in mentions if about and ahead), None)


def find_symptom_onset(
    text: str,
    now: datetime,
    timezone: str,
    date_order: str = "MDY",
    patterns: TimePatterns | None = None,
) -> TimeMention | None:
    """The first "since <time>" in `text` that is not about the procedure ("red since last night"), or None.

    Same arguments and errors as `find_procedure_time`.
    """
    zone = _checked_zone(now, timezone, date_order)
    mentions = _mentions(text, now, zone, date_order, patterns, onset_only=True)
    return next((mention for mention, about, _ in mentions if not about), None)


def _checked_zone(now: datetime, timezone: str, date_order: str) -> ZoneInfo:
    """The time zone, after checking the arguments; ValueError for a naive `now` or an unknown zone or order."""
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    return load_timezone(timezone)


def _mentions(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    date_order: str,
    patterns: TimePatterns | None,
    onset_only: bool = False,
) -> Iterable[tuple[TimeMention, bool, bool]]:
    """Each time mention that is not ignored, in order, whether it is about the procedure and whether it is ahead."""
    if not isinstance(text, str) or not text.strip():
        return
    patterns = patterns or load_time_patterns()
    context = _Context(now.astimezone(UTC), now.astimezone(zone), zone, date_order, patterns)
    reading = read_matches(text, patterns)
    onsets = {match.end for match in reading.matches.get("onset_word", [])}
    for candidate in _candidates(reading, context):
        if _is_ignored(candidate, reading) or (onset_only and candidate.start not in onsets):
            continue
        start, end = reading.starts[candidate.start], reading.ends[candidate.end - 1]
        about = _is_about_procedure(candidate, reading, patterns)
        yield TimeMention(start, end, text[start:end], _moment(candidate, context)), about, candidate.ahead

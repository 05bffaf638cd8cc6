"""When did the patient's procedure happen? Reads it from what they type. No Rasa, no spaCy model.

`find_procedure_time(text, now, timezone)` returns the first mention in the text that says when the
procedure happened, as a UTC moment, or None. The words it knows live in `procedure_time.yml`
(number words, units, weekdays, months, parts of the day, ignore cues, the "today" and "just now"
offsets), so a clinic can teach it a spelling without touching code.

How phrases are found: the text is lower-cased and split into words by spaCy's blank English
tokenizer (no model), here also splitting digits from letters ("48hrs", "25th") and punctuation from
words. A spaCy `Matcher` built from the YAML finds each kind of phrase ("2 days ago", "yesterday",
"Nov 25", "at 3pm" next to a day, "next" before one, a question cue): its token patterns are places
each filled by a YAML word list or a number. YAML phrases are split into words like messages, so adding
"sat" to a weekday, or `a handful of: 5` to the number words, is all it takes. The parts of each match
are then read by the rules below.

How phrases are read (product decisions; tests pin each of them down):

- A named day without a time of day takes the current local clock time on that day: "yesterday" is
  24 h ago, "the day before yesterday" 48 h ago. "On/since Monday" and a bare "Monday" are the most
  recent past Monday; "last Monday" too, except that when today is Monday it means 7 days ago.
  "Nov 25" is 25 November of the current year at the current clock time.
- When the named day is today ("today", "earlier today", "on Sunday" said on a Sunday, today's date),
  the procedure is taken to be 2 hours ago (`today.minutes_before_now`): a conservative guess, so
  bleeding-type symptoms still escalate while care tips that need more time wait.
- "just now", "just had it": 15 minutes ago (`just_now.minutes_before_now`).
- Parts of the day are local clock hours: this morning 09:00, this afternoon 14:00, this evening and
  tonight 18:00, last night yesterday 20:00; "yesterday morning", "Friday evening" likewise on that
  day. A part of today that is still to come is returned as it is (in the future): the assistant
  rejects it and asks again. A clock time next to a day is used ("yesterday at 3pm"); an hour without
  am/pm below 8 is read as afternoon, since procedures happen in clinic hours. A clock time alone
  ("at 3pm") is not a procedure time.
- Elapsed time is exact: "N minutes/hours/days/weeks/months ago" (a month is 30 days), with digits,
  decimals or words (a/an = 1, a couple (of) = 2, a few = 3, several = 3, half an hour = 30 min,
  "an hour and a half"), abbreviations (min, hr, hrs, h, wk, wks), "48hrs ago", "2 weeks back",
  "it's been 4 days", "4 days post/out/since", "last week" (7 days ago), "last month" (30 days ago).
  "I'm on day 3", "it's day 3", "day 3 post", "day 3 after" all mean 3 days ago. Because elapsed
  time is exact, "3 days ago" and "on Thursday" differ by an hour when a daylight-saving change lies
  between them.
- Dates: "Nov 25", "November 25th", "25 November", "25th of Nov", ISO "2026-11-25", numeric "11/25",
  "11/25/2026", "11-25-26", read in the clinic's date order (MDY or DMY). A numeric date that is
  impossible in that order is read the other way round ("25/11" under MDY is 25 November), so
  "3/4" is ambiguous and follows the clinic, while "25/11" is not. Two-part numeric dates need a
  slash ("2-3 days" is a range) and "6/10" is a pain score, not a date. "The 25th" is the most
  recent 25th: this month, or last month when the 25th has not come yet. A date without a year is
  in the current year, even when that puts it in the future: it is rejected and asked again rather
  than silently moved to last year.
- Only times about the procedure count. A mention is about the procedure when its clause names the
  procedure ("had it done Thursday", "my appointment was yesterday", "got microneedled on friday"),
  when it says so itself ("I'm on day 3", "4 days post", "it's been 2 days"), or when
  it is all its clause says apart from filler words ("yesterday", "3 days ago I think", "friday,
  is peeling normal?"), which is how the time question is answered. Any other time is about
  something else and is left alone: when a symptom started ("red since last night", "the flaking
  started 2 days ago"), when the patient writes ("my skin stings tonight"), another event ("my
  brother's birthday was yesterday", "I washed my face this morning"). Clauses end at punctuation
  and at the joining words of `about_the_procedure.clause_words` ("and", "but").
- `find_symptom_onset` returns the first time that is not about the procedure and follows "since"
  ("bleeding since this morning"): the symptom has lasted at least that long, which the care guide
  may use to escalate (never to reassure) while the procedure time is unknown.
- Ignored: forward-looking times ("tomorrow", "in 2 days", "next week", "this Friday", "until
  Monday"), frequencies ("twice a day", "every day", "once a week"), durations ("for 2 weeks") and
  clock-only times. A named day inside a question or plan ("can I wear make-up today", "is it ok to
  go to the gym on Monday") is about the future unless a past-tense word comes between the question
  and the day ("should I be red if I had it yesterday").

All times are aware datetimes. Values are returned in UTC, truncated to the minute.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

from aftercare.timestamps import EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, UTC, load_timezone

DEFAULT_EXPRESSIONS_FILE = Path(__file__).with_name("procedure_time.yml")
DATE_ORDERS = ("MDY", "DMY")
# How far back from a mention a question cue can make it about the future, in characters.
CLAUSE_WINDOW = 200


# --- The vocabulary, compiled -----------------------------------------------------------------


def _key(text: str) -> str:
    """A phrase as looked up in the vocabulary: case-folded, apostrophes dropped, single spaces."""
    return " ".join(text.casefold().replace("'", "").replace("’", "").split())


def _words(vocabulary: dict[str, Any], key: str, source: str) -> list[str]:
    """A list of phrases from the vocabulary, or ValueError naming the file and key."""
    value = vocabulary.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{source}: key '{key}' must be a list of phrases")
    return value


def _mapping(vocabulary: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = vocabulary.get(key)
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{source}: key '{key}' must be a mapping")
    return value


def _number(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{source}: {where} must be a number of at least 0, not {value!r}")
    return float(value)


def _ordered_spellings(rows: Any, expected: int, key: str, source: str) -> dict[str, int]:
    """Spelling -> 1-based position, for the weekday and month lists."""
    if not isinstance(rows, list) or len(rows) != expected:
        raise ValueError(f"{source}: key '{key}' must list {expected} entries in order")
    spellings = {}
    for position, names in enumerate(rows, start=1):
        if not isinstance(names, list) or not names:
            raise ValueError(f"{source}: entry {position} of '{key}' must be a list of spellings")
        spellings.update({_key(str(name)): position for name in names})
    return spellings


@dataclass(frozen=True, eq=False)
class TimePatterns:
    """The vocabulary of procedure_time.yml: lookups by spelling, and the spaCy pipeline and Matcher."""

    number_words: dict[str, float]
    unit_minutes: dict[str, float]
    days_back: dict[str, int]
    weekday_numbers: dict[str, int]  # 1 = Monday
    month_numbers: dict[str, int]
    part_hours: dict[str, int]  # spelling of a part of the day -> its hour
    part_names: dict[str, str]  # spelling of a part of the day -> morning/afternoon/...
    last_weekday_words: frozenset[str]
    today_offset: timedelta
    just_now_offset: timedelta
    afternoon_below_hour: int
    score_denominators: frozenset[int]
    clause_fillers: frozenset[str]  # words a clause may hold besides a bare time ("about", "i", "think")
    nlp: Language  # spacy.blank("en") with the tokenizer rules of `_blank_english`
    matcher: Matcher
    rules: dict[int, tuple[str, tuple[str, ...]]]  # match id -> (kind of phrase, part of each token pattern)


@dataclass(frozen=True)
class _Spellings:
    """The vocabulary's lookups by spelling, before the Matcher is built from them."""

    numbers: dict[str, float]
    unit_minutes: dict[str, float]
    units_by_name: dict[str, list[str]]
    days_back: dict[str, int]
    part_names: dict[str, str]  # "nite" -> "night"
    tonight_names: dict[str, str]  # "tonite" -> "evening"
    part_hours: dict[str, int]  # any part-of-day spelling -> its hour
    weekdays: dict[str, int]
    months: dict[str, int]


def _unit_spellings(vocabulary: dict[str, Any], source: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Unit spelling -> minutes, and unit name -> its spellings."""
    unit_minutes: dict[str, float] = {}
    units_by_name: dict[str, list[str]] = {}
    for name, unit in _mapping(vocabulary, "units", source).items():
        if not isinstance(unit, dict):
            raise ValueError(f"{source}: unit '{name}' must have 'minutes' and 'words'")
        minutes = _number(unit.get("minutes"), f"units.{name}.minutes", source)
        spellings = _words(unit, "words", f"{source}: units.{name}")
        units_by_name[str(name)] = spellings
        unit_minutes.update({_key(word): minutes for word in spellings})
    return unit_minutes, units_by_name


def _part_names(vocabulary: dict[str, Any], key: str, hours: dict[str, Any], source: str) -> dict[str, str]:
    """Part-of-day spelling -> part name, checking that every part has an hour."""
    names: dict[str, str] = {}
    for part, spellings in _mapping(vocabulary, key, source).items():
        if part not in hours:
            raise ValueError(f"{source}: part of day '{part}' in '{key}' has no hour in 'part_of_day_hours'")
        names.update({_key(word): str(part) for word in _words({key: spellings}, key, source)})
    return names


def _read_spellings(vocabulary: dict[str, Any], source: str) -> _Spellings:
    """Reads and checks the lookups of a vocabulary; ValueError naming `source` and the key."""
    unit_minutes, units_by_name = _unit_spellings(vocabulary, source)
    hours = _mapping(vocabulary, "part_of_day_hours", source)
    part_names = _part_names(vocabulary, "part_of_day_words", hours, source)
    tonight_names = _part_names(vocabulary, "tonight_words", hours, source)
    return _Spellings(
        numbers={
            _key(word): _number(value, f"number word '{word}'", source)
            for word, value in _mapping(vocabulary, "number_words", source).items()
        },
        unit_minutes=unit_minutes,
        units_by_name=units_by_name,
        days_back={
            _key(phrase): int(_number(days, f"days_back '{phrase}'", source))
            for phrase, days in _mapping(vocabulary, "days_back", source).items()
        },
        part_names=part_names,
        tonight_names=tonight_names,
        part_hours={
            spelling: int(_number(hours[part], f"part_of_day_hours.{part}", source))
            for spelling, part in {**part_names, **tonight_names}.items()
        },
        weekdays=_ordered_spellings(vocabulary.get("weekdays"), 7, "weekdays", source),
        months=_ordered_spellings(vocabulary.get("months"), 12, "months", source),
    )


# --- The spaCy pipeline and Matcher -----------------------------------------------------------

Spec = dict[str, Any]  # one token pattern of a spaCy Matcher
Sequence = tuple[tuple[str, Spec], ...]  # token patterns in a row, each with the part it fills ("unit")

# Single tokens read by their shape (messages are lower-cased before matching).
_COUNT = r"^[0-9]{1,4}(?:\.[0-9]{1,2})?$"
_DAY_COUNT = r"^[0-9]{1,3}$"
_DAY = r"^[0-9]{1,2}$"
_YEAR = r"^[0-9]{4}$"
_CLOCK = r"^[0-9]{1,2}(?::[0-5][0-9])?$"
_AM_PM = r"^[ap]\.?m\.?$"
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})")
_NUMERIC_DATE = re.compile(
    r"(?P<first>[0-9]{1,2})(?P<sep>[-/.])(?P<second>[0-9]{1,2})(?:(?P=sep)(?P<year>[0-9]{4}|[0-9]{2}))?"
)
_OPTIONAL: dict[bool, Spec] = {True: {"OP": "?"}, False: {}}
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
_INFIXES = (
    r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])",  # between digits and letters
    r"(?<=[^\W\d_])[^\w\s](?=\w)|(?<=\w)[^\w\s](?=[^\W\d_])",  # punctuation between a word and a word or number
)
_CLAUSE_MARKS = frozenset(".!?;,:")
_APOSTROPHES = str.maketrans(dict.fromkeys("‘’ʼ`´", "'"))
_INVISIBLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def _normalised(text: str) -> str:
    """Text as matched, of the same length: lower-case, straight apostrophes, invisible characters as spaces."""
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters: keep such characters as they are
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    return _INVISIBLE.sub(" ", lowered.translate(_APOSTROPHES))


def _blank_english(words: Iterable[str]) -> Language:
    """The blank English pipeline, its tokenizer splitting words from numbers and punctuation.

    As a regex's word boundaries would, digits are split from letters ("48hrs", "25th", "day3") and
    punctuation from words ("ok.yesterday", "~2 days"), also in web addresses. Dashed dates
    ("2026-11-25") stay whole, and the given words are not split as contractions ("wed" is not "we'd").
    """
    nlp = spacy.blank("en")
    keep = set(words)
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        rules={text: tokens for text, tokens in nlp.tokenizer.rules.items() if text.lower() not in keep},
        prefix_search=compile_prefix_regex([*nlp.Defaults.prefixes, "[~/@+-]", r"\.(?![0-9])"]).search,
        suffix_search=nlp.tokenizer.suffix_search,
        infix_finditer=compile_infix_regex([*nlp.Defaults.infixes, *_INFIXES]).finditer,
        token_match=re.compile(r"[0-9]+(?:-[0-9]+){2}").fullmatch,
    )
    return nlp


def _slot(part: str, phrases: Iterable[str], nlp: Language, optional: bool = False) -> list[Sequence]:
    """The ways to fill one place in a pattern: any of the phrases, apostrophes optional.

    Single words share one `IN` token pattern; a phrase of several words is a sequence of its own.
    """
    variants = {
        tuple(token.text for token in nlp.make_doc(_normalised(variant)) if not token.is_space)
        for phrase in phrases
        for variant in (phrase, phrase.replace("'", ""))
    } - {()}
    slot = [tuple((part, {"LOWER": word}) for word in words) for words in sorted(variants) if len(words) > 1]
    singles = sorted(words[0] for words in variants if len(words) == 1)
    if singles:  # one word is compared in spaCy's C code, a list of them in Python: both are cached per token
        slot.append(((part, {"LOWER": singles[0] if len(singles) == 1 else {"IN": singles}, **_OPTIONAL[optional]}),))
    return [*slot, ()] if optional and not singles else slot


def _shape(part: str, regex: str, optional: bool = False) -> list[Sequence]:
    """One token of the given shape (a regular expression on its text)."""
    return [((part, {"TEXT": {"REGEX": regex}, **_OPTIONAL[optional]}),)]


def _then(*slots: list[Sequence]) -> list[Sequence]:
    """Every sequence made of one way of filling each slot in turn."""
    return [tuple(itertools.chain.from_iterable(choice)) for choice in itertools.product(*slots)]


def _maybe(slot: list[Sequence]) -> list[Sequence]:
    """The slot, or nothing in its place."""
    return [*slot, ()]


def _rules(vocabulary: dict[str, Any], spellings: _Spellings, nlp: Language, source: str) -> dict[str, list[Sequence]]:
    """The token sequences of each kind of phrase, by kind.

    The kinds are those of `_RESOLVERS`, the lead-ins that `_read` joins to two of them ("it's been",
    "I'm on"), and what may surround a mention: a part of the day or a clock time after a day
    ("yesterday at 3pm"), a clock time before one, an ignore cue right before one, and a question cue
    and a past-tense word earlier in its clause.
    """

    def words(part: str, key: str, within: dict[str, Any] = vocabulary, optional: bool = False) -> list[Sequence]:
        return _slot(part, _words(within, key, source), nlp, optional)

    def of(part: str, phrases: Iterable[str], optional: bool = False) -> list[Sequence]:
        return _slot(part, phrases, nlp, optional)

    day_count = _mapping(vocabulary, "day_count", source)
    ignore = _mapping(vocabulary, "ignore", source)
    about = _mapping(vocabulary, "about_the_procedure", source)
    units = list(spellings.unit_minutes)
    part = of("part", spellings.part_names)
    unit_after = of("unit", units, optional=True)  # a unit after a number: not a date or a clock time
    month = _then(of("month", spellings.months), of("dot", ["."], optional=True))
    day = _then(_shape("day", _DAY), of("ordinal", _ORDINAL_SUFFIXES, optional=True))
    year = _maybe(_then(of("comma", [","], optional=True), _shape("year", _YEAR)))
    clock = [*_then(_shape("clock", _CLOCK), _shape("ampm", _AM_PM, optional=True)), *words("noon", "noon_words")]
    clock_lead = words("lead", "clock_lead_words", optional=True)
    period_units = [
        word
        for name in _words(vocabulary, "previous_periods", source)
        for word in spellings.units_by_name.get(name, [name])
    ]
    whole_numbers = [word for word, value in spellings.numbers.items() if value.is_integer()]
    return {
        "elapsed_lead": _then(words("been", "been_words"), words("hedge", "hedge_words", optional=True)),
        "elapsed": _then(
            [*of("word", spellings.numbers), *_shape("digits", _COUNT)],
            _maybe(of("half_count", ["and a half"])),
            of("unit", units),
            _maybe(of("half_unit", ["and a half"])),
            of("after", _words(vocabulary, "ago_words", source) + _words(vocabulary, "since_words", source), True),
        ),
        "day_count_lead": words("lead", "lead_ins", day_count),
        "day_count": _then(
            of("day", [str(day_count.get("word", "day"))]),
            of("hash", ["#"], optional=True),
            [*of("count", whole_numbers), *_shape("count", _DAY_COUNT)],
            words("follow", "follow_words", day_count, optional=True),
        ),
        "previous_period": _then(words("last", "last_words"), of("unit", period_units)),
        "days_back": of("phrase", spellings.days_back),
        "last_part": _then(words("last", "last_words"), part),
        "this_part": [*_then(words("this", "this_words"), part), *of("tonight", spellings.tonight_names)],
        "today": words("phrase", "phrases", _mapping(vocabulary, "today", source)),
        "just_now": words("phrase", "phrases", _mapping(vocabulary, "just_now", source)),
        "weekday": _then(words("last", "last_weekday_words", optional=True), of("weekday", spellings.weekdays)),
        "month_day": _then(of("the", ["the"], optional=True), month, day, [*year, *of("unit", units)]),
        "day_month": _then(of("the", ["the"], optional=True), day, of("of", ["of"], optional=True), month, year),
        "ordinal_day": _then(
            of("on", ["on the", "the", "on"]),
            _shape("day", _DAY),
            of("ordinal", _ORDINAL_SUFFIXES),
            of("not_a_date", _words(vocabulary, "not_a_date_after_ordinal", source) + units, optional=True),
        ),
        "iso_date": _shape("date", f"^(?:{_ISO_DATE.pattern})$"),
        "numeric_date": _then(_shape("date", f"^(?:{_NUMERIC_DATE.pattern})$"), unit_after),
        "part_after": _then(of("lead", ["in the", "at"], optional=True), part),
        "clock_after": _then(of("comma", [","], optional=True), clock_lead, clock, unit_after),
        "clock_before": _then(clock_lead, clock, unit_after, of("on", ["on"], optional=True)),
        "ignored_after": words("cue", "preceding_words", ignore),
        "procedure_anchor": words("cue", "anchors", about),
        "clause_word": words("cue", "clause_words", about),
        "since_word": words("cue", "since_words"),
        "onset_word": words("cue", "onset_words", about),
        "question_cue": words("cue", "question_cues", ignore),
        "past_word": words("cue", "past_words", ignore),
    }


def build_time_patterns(vocabulary: dict[str, Any], source: str = "vocabulary") -> TimePatterns:
    """Compiles a vocabulary (the content of procedure_time.yml) into TimePatterns.

    Raises ValueError naming `source` and the key when the vocabulary is malformed.
    """
    if not isinstance(vocabulary, dict):
        raise ValueError(f"{source}: must be a mapping of keys to values")
    spellings = _read_spellings(vocabulary, source)
    today = _mapping(vocabulary, "today", source)
    just_now = _mapping(vocabulary, "just_now", source)
    nlp = _blank_english([*spellings.weekdays, *spellings.months])
    matcher = Matcher(nlp.vocab, validate=False)  # the patterns are made here, not written by hand
    rules: dict[int, tuple[str, tuple[str, ...]]] = {}
    for kind, sequences in _rules(vocabulary, spellings, nlp, source).items():
        for number, sequence in enumerate(filter(None, sequences)):
            matcher.add(f"{kind} {number}", [[spec for _, spec in sequence]])
            rules[nlp.vocab.strings[f"{kind} {number}"]] = (kind, tuple(part for part, _ in sequence))
    return TimePatterns(
        number_words=spellings.numbers,
        unit_minutes=spellings.unit_minutes,
        days_back=spellings.days_back,
        weekday_numbers=spellings.weekdays,
        month_numbers=spellings.months,
        part_hours=spellings.part_hours,
        part_names={**spellings.part_names, **spellings.tonight_names},
        last_weekday_words=frozenset(_key(word) for word in _words(vocabulary, "last_weekday_words", source)),
        today_offset=timedelta(minutes=_number(today.get("minutes_before_now"), "today.minutes_before_now", source)),
        just_now_offset=timedelta(
            minutes=_number(just_now.get("minutes_before_now"), "just_now.minutes_before_now", source)
        ),
        afternoon_below_hour=int(_number(vocabulary.get("afternoon_below_hour"), "afternoon_below_hour", source)),
        score_denominators=frozenset(
            int(_number(value, "score_denominators", source)) for value in vocabulary.get("score_denominators") or []
        ),
        clause_fillers=frozenset(
            token.text
            for phrase in _words(_mapping(vocabulary, "about_the_procedure", source), "fillers", source)
            for token in nlp.make_doc(_normalised(phrase))
            if not token.is_space
        ),
        nlp=nlp,
        matcher=matcher,
        rules=rules,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str) -> TimePatterns:
    try:
        vocabulary = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot be read ({error})") from None
    return build_time_patterns(vocabulary, source=path)


def load_time_patterns(path: str | Path = DEFAULT_EXPRESSIONS_FILE) -> TimePatterns:
    """Loads and compiles a time-expressions file (cached per path); ValueError naming the file and key."""
    return _load_cached(str(Path(path).resolve()))


# --- Reading the text -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeMention:
    """A part of the text that says when the procedure happened, and the moment it means (UTC)."""

    start: int
    end: int
    text: str
    value: datetime


@dataclass(frozen=True)
class _Match:
    """What one Matcher pattern matched: its tokens [start, end) and the text of each of its parts."""

    start: int
    end: int
    parts: dict[str, str]

    def __getitem__(self, part: str) -> str:
        return self.parts.get(part, "")


@dataclass(frozen=True)
class _Reading:
    """A message as matched: where its tokens are and what the Matcher found in it."""

    starts: list[int]  # character offset of each token
    ends: list[int]
    words: list[str]  # each token's text, as matched
    breaks: list[bool]  # whether a clause ends after each token (punctuation or a line break)
    matches: dict[str, list[_Match]]  # by kind of phrase
    starting: dict[tuple[str, int], _Match]  # the longest match of a kind starting at a token
    ending: dict[tuple[str, int], _Match]  # ... and ending before a token


def _read(text: str, patterns: TimePatterns) -> _Reading:
    """Tokenizes the text (dropping runs of spaces, so phrases match across them) and runs the Matcher."""
    normalised = _normalised(text)
    tokens = [token for token in patterns.nlp.make_doc(normalised) if not token.is_space]
    starts, ends = [token.idx for token in tokens], [token.idx + len(token) for token in tokens]
    breaks = [
        (token.is_punct and not _CLAUSE_MARKS.isdisjoint(token.text)) or "\n" in normalised[end:next_start]
        for token, end, next_start in zip(tokens, ends, [*starts[1:], len(normalised)], strict=False)
    ]
    doc = Doc(patterns.nlp.vocab, words=[token.text for token in tokens])
    matches: dict[str, list[_Match]] = {}
    starting: dict[tuple[str, int], _Match] = {}
    ending: dict[tuple[str, int], _Match] = {}
    for match_id, start, end, alignment in patterns.matcher(doc, with_alignments=True):
        kind, parts = patterns.rules[match_id]
        places: dict[str, tuple[int, int]] = {}
        for index, spec in enumerate(alignment, start):
            places[parts[spec]] = (places.get(parts[spec], (index, index))[0], index)
        texts = {part: normalised[starts[first] : ends[last]] for part, (first, last) in places.items()}
        match = _Match(start, end, texts)
        matches.setdefault(kind, []).append(match)
        for by_edge, key in ((starting, (kind, start)), (ending, (kind, end))):
            if key not in by_edge or by_edge[key].end - by_edge[key].start < end - start:
                by_edge[key] = match
    for kind in ("elapsed", "day_count"):  # with the lead-in right before it: "it's been" 4 days, "I'm on" day 3
        matches[kind] = [
            _Match(lead.start, match.end, lead.parts | match.parts)
            if (lead := ending.get((f"{kind}_lead", match.start)))
            else match
            for match in matches.get(kind, [])
        ]
    return _Reading(starts, ends, [token.text for token in tokens], breaks, matches, starting, ending)


def _leftmost_longest(matches: Iterable[_Match]) -> list[_Match]:
    """Matches that do not overlap, each the longest at the leftmost place left, as a regex finds them."""
    chosen: list[_Match] = []
    for match in sorted(matches, key=lambda match: (match.start, -match.end)):
        if not chosen or match.start >= chosen[-1].end:
            chosen.append(match)
    return chosen


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


def _elapsed(match: _Match, context: _Context, minutes: float | None) -> _Found | None:
    """The mention of a moment `minutes` before now (None when unknown or at the start of the calendar)."""
    if minutes is None:
        return None
    try:
        instant = context.now - timedelta(minutes=minutes)
    except OverflowError:
        return None
    return _Found(match.start, match.end, instant=instant) if instant >= EARLIEST_TIMESTAMP else None


def _resolve_elapsed(match: _Match, context: _Context) -> _Found | None:
    if not (match["been"] or match["after"]):
        return None  # "2 days" alone may be a duration or the future
    amount = float(match["digits"]) if match["digits"] else context.patterns.number_words.get(_key(match["word"]))
    unit = context.patterns.unit_minutes.get(_key(match["unit"]))
    if amount is None or unit is None:
        return None
    halves = bool(match["half_count"]) + bool(match["half_unit"])
    return _elapsed(match, context, (amount + 0.5 * halves) * unit)


def _resolve_day_count(match: _Match, context: _Context) -> _Found | None:
    if not (match["lead"] or match["follow"]):
        return None  # "on day 3" alone is often a question about day 3
    count = match["count"]
    days = int(count) if count.isdigit() else context.patterns.number_words.get(_key(count))
    return _elapsed(match, context, days * 1440 if days is not None else None)


def _resolve_previous_period(match: _Match, context: _Context) -> _Found | None:
    return _elapsed(match, context, context.patterns.unit_minutes.get(_key(match["unit"])))


def _resolve_days_back(match: _Match, context: _Context) -> _Found | None:
    days = context.patterns.days_back.get(_key(match["phrase"]))
    if days is None:
        return None
    return _Found(match.start, match.end, day=context.today - timedelta(days=days))


def _part_found(match: _Match, day: date, spelling: str, patterns: TimePatterns) -> _Found | None:
    hour = patterns.part_hours.get(_key(spelling))
    if hour is None:
        return None
    return _Found(match.start, match.end, day=day, hour=hour, part=patterns.part_names.get(_key(spelling)))


def _resolve_last_part(match: _Match, context: _Context) -> _Found | None:
    yesterday = context.today - timedelta(days=1)
    return _part_found(match, yesterday, match["part"], context.patterns)


def _resolve_this_part(match: _Match, context: _Context) -> _Found | None:
    spelling = match["part"] or match["tonight"]
    return _part_found(match, context.today, spelling, context.patterns)


def _resolve_today(match: _Match, context: _Context) -> _Found | None:
    return _Found(match.start, match.end, day=context.today)


def _resolve_just_now(match: _Match, context: _Context) -> _Found | None:
    return _Found(match.start, match.end, instant=context.now - context.patterns.just_now_offset)


def _resolve_weekday(match: _Match, context: _Context) -> _Found | None:
    weekday = context.patterns.weekday_numbers.get(_key(match["weekday"]))
    if weekday is None:
        return None
    days_back = (context.today.isoweekday() - weekday) % 7
    if days_back == 0 and match["last"] and _key(match["last"]) in context.patterns.last_weekday_words:
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


def _dated(match: _Match, day: date | None) -> _Found | None:
    return _Found(match.start, match.end, day=day) if day else None


def _resolve_month_day(match: _Match, context: _Context) -> _Found | None:
    month = context.patterns.month_numbers.get(_key(match["month"]))
    if month is None or match["unit"]:
        return None  # "may 2 days" is no date
    return _dated(match, _make_date(_year(match["year"], context), month, int(match["day"])))


def _resolve_ordinal_day(match: _Match, context: _Context) -> _Found | None:
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


def _resolve_iso_date(match: _Match, context: _Context) -> _Found | None:
    parts = _ISO_DATE.fullmatch(match["date"])
    return _dated(match, _make_date(int(parts["year"]), int(parts["month"]), int(parts["day"])) if parts else None)


def _resolve_numeric_date(match: _Match, context: _Context) -> _Found | None:
    parts = _NUMERIC_DATE.fullmatch(match["date"])
    if parts is None or match["unit"]:
        return None  # "11/25 days"
    first, second = int(parts["first"]), int(parts["second"])
    if not parts["year"] and (parts["sep"] != "/" or second in context.patterns.score_denominators):
        return None  # "1.5" is a number, "6/10" a pain score
    month, day = (first, second) if context.date_order == "MDY" else (second, first)
    year = _year(parts["year"], context)
    # An impossible reading in the clinic's order is read the other way round ("25/11" under MDY).
    return _dated(match, _make_date(year, month, day) or _make_date(year, day, month))


_RESOLVERS: dict[str, Callable[[_Match, _Context], _Found | None]] = {
    "elapsed": _resolve_elapsed,
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


def _clock_time(match: _Match, part: str | None, patterns: TimePatterns) -> tuple[int, int] | None:
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


def _with_time_of_day(found: _Found, reading: _Reading, patterns: TimePatterns) -> _Found:
    """Extends a day mention with a part of the day and a clock time around it, when there are."""
    if found.day is None:
        return found
    part = reading.starting.get(("part_after", found.end))
    if part and found.hour is None:
        name, hour = patterns.part_names.get(_key(part["part"])), patterns.part_hours.get(_key(part["part"]))
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


def _is_ignored(found: _Found, reading: _Reading) -> bool:
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


def _is_about_procedure(found: _Found, reading: _Reading, patterns: TimePatterns) -> bool:
    """Whether the mention says when the procedure was (see the module docstring), not another event."""
    for kind in ("elapsed_lead", "day_count", "day_count_lead"):
        if (kind, found.start) in reading.starting:
            return True  # "it's been 2 days", "day 3", "I'm on day 3"
    if any(found.start <= match.start < found.end for match in reading.matches.get("since_word", [])):
        return True  # "4 days post"
    joins = {match.start for match in reading.matches.get("clause_word", [])}
    first = found.start
    while first > 0 and not reading.breaks[first - 1] and first not in joins:
        first -= 1
    last = found.end
    while last < len(reading.words) and not reading.breaks[last - 1] and last not in joins:
        last += 1
    if any(first <= match.start and match.end <= last for match in reading.matches.get("procedure_anchor", [])):
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


def _candidates(reading: _Reading, context: _Context) -> list[_Found]:
    found = []
    for kind, resolve in _RESOLVERS.items():
        for match in _leftmost_longest(reading.matches.get(kind, [])):
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
    return next((mention for mention, about in mentions if about), None)


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
    return next((mention for mention, about in mentions if not about), None)


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
) -> Iterable[tuple[TimeMention, bool]]:
    """Each time mention that is not ignored, in order, and whether it is about the procedure."""
    if not isinstance(text, str) or not text.strip():
        return
    patterns = patterns or load_time_patterns()
    context = _Context(now.astimezone(UTC), now.astimezone(zone), zone, date_order, patterns)
    reading = _read(text, patterns)
    onsets = {match.end for match in reading.matches.get("onset_word", [])}
    for candidate in _candidates(reading, context):
        if _is_ignored(candidate, reading) or (onset_only and candidate.start not in onsets):
            continue
        start, end = reading.starts[candidate.start], reading.ends[candidate.end - 1]
        about = _is_about_procedure(candidate, reading, patterns)
        yield TimeMention(start, end, text[start:end], _moment(candidate, context)), about

"""Finding time phrases: the vocabulary compiled into a spaCy tokenizer and Matcher, and the matches in a text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

from aftercare.procedure_time.vocabulary import (
    DEFAULT_EXPRESSIONS_FILE,
    Spellings,
    TimePatterns,
    mapping_at,
    number_at,
    phrase_list,
    read_spellings,
    spelling_key,
)
from aftercare.yaml_files import ConfigError, read_yaml_mapping

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
ISO_DATE = re.compile(r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})")
NUMERIC_DATE = re.compile(
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


def _rules(vocabulary: dict[str, Any], spellings: Spellings, nlp: Language, source: str) -> dict[str, list[Sequence]]:
    """The token sequences of each kind of phrase, by kind.

    The kinds are those of `_RESOLVERS`, the lead-ins that `read_matches` joins to two of them ("it's been",
    "I'm on"), and what may surround a mention: a part of the day or a clock time after a day
    ("yesterday at 3pm"), a clock time before one, an ignore cue right before one, and a question cue
    and a past-tense word earlier in its clause.
    """

    def words(part: str, key: str, within: dict[str, Any] = vocabulary, optional: bool = False) -> list[Sequence]:
        return _slot(part, phrase_list(within, key, source), nlp, optional)

    def of(part: str, phrases: Iterable[str], optional: bool = False) -> list[Sequence]:
        return _slot(part, phrases, nlp, optional)

    day_count = mapping_at(vocabulary, "day_count", source)
    ignore = mapping_at(vocabulary, "ignore", source)
    about = mapping_at(vocabulary, "about_the_procedure", source)
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
        for name in phrase_list(vocabulary, "previous_periods", source)
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
            of(
                "after",
                phrase_list(vocabulary, "ago_words", source) + phrase_list(vocabulary, "since_words", source),
                True,
            ),
        ),
        "ahead": _then(
            words("in", "ahead_words"),
            [*of("word", spellings.numbers), *_shape("digits", _COUNT)],
            _maybe(of("half_count", ["and a half"])),
            of("unit", units),
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
        "today": words("phrase", "phrases", mapping_at(vocabulary, "today", source)),
        "just_now": words("phrase", "phrases", mapping_at(vocabulary, "just_now", source)),
        "weekday": _then(words("last", "last_weekday_words", optional=True), of("weekday", spellings.weekdays)),
        "month_day": _then(of("the", ["the"], optional=True), month, day, [*year, *of("unit", units)]),
        "day_month": _then(of("the", ["the"], optional=True), day, of("of", ["of"], optional=True), month, year),
        "ordinal_day": _then(
            of("on", ["on the", "the", "on"]),
            _shape("day", _DAY),
            of("ordinal", _ORDINAL_SUFFIXES),
            of("not_a_date", phrase_list(vocabulary, "not_a_date_after_ordinal", source) + units, optional=True),
        ),
        "iso_date": _shape("date", f"^(?:{ISO_DATE.pattern})$"),
        "numeric_date": _then(_shape("date", f"^(?:{NUMERIC_DATE.pattern})$"), unit_after),
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
    """Compiles a vocabulary (the content of content/time_vocabulary.yml) into TimePatterns.

    Raises ConfigError naming `source` and the key when the vocabulary is malformed.
    """
    if not isinstance(vocabulary, dict):
        raise ConfigError(f"{source}: must be a mapping of keys to values")
    spellings = read_spellings(vocabulary, source)
    today = mapping_at(vocabulary, "today", source)
    just_now = mapping_at(vocabulary, "just_now", source)
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
        last_weekday_words=frozenset(
            spelling_key(word) for word in phrase_list(vocabulary, "last_weekday_words", source)
        ),
        today_offset=timedelta(minutes=number_at(today.get("minutes_before_now"), "today.minutes_before_now", source)),
        just_now_offset=timedelta(
            minutes=number_at(just_now.get("minutes_before_now"), "just_now.minutes_before_now", source)
        ),
        afternoon_below_hour=int(number_at(vocabulary.get("afternoon_below_hour"), "afternoon_below_hour", source)),
        score_denominators=frozenset(
            int(number_at(value, "score_denominators", source)) for value in vocabulary.get("score_denominators") or []
        ),
        clause_fillers=frozenset(
            token.text
            for phrase in phrase_list(mapping_at(vocabulary, "about_the_procedure", source), "fillers", source)
            for token in nlp.make_doc(_normalised(phrase))
            if not token.is_space
        ),
        nlp=nlp,
        matcher=matcher,
        rules=rules,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str) -> TimePatterns:
    return build_time_patterns(read_yaml_mapping(path), source=path)


def load_time_patterns(path: str | Path = DEFAULT_EXPRESSIONS_FILE) -> TimePatterns:
    """Loads and compiles a time-expressions file (cached per path); ConfigError naming the file and key."""
    return _load_cached(str(Path(path).resolve()))


@dataclass(frozen=True)
class Match:
    """What one Matcher pattern matched: its tokens [start, end) and the text of each of its parts."""

    start: int
    end: int
    parts: dict[str, str]

    def __getitem__(self, part: str) -> str:
        return self.parts.get(part, "")


@dataclass(frozen=True)
class Reading:
    """A message as matched: where its tokens are and what the Matcher found in it."""

    starts: list[int]  # character offset of each token
    ends: list[int]
    words: list[str]  # each token's text, as matched
    breaks: list[bool]  # whether a clause ends after each token (punctuation or a line break)
    matches: dict[str, list[Match]]  # by kind of phrase
    starting: dict[tuple[str, int], Match]  # the longest match of a kind starting at a token
    ending: dict[tuple[str, int], Match]  # ... and ending before a token


def read_matches(text: str, patterns: TimePatterns) -> Reading:
    """Tokenizes the text (dropping runs of spaces, so phrases match across them) and runs the Matcher."""
    normalised = _normalised(text)
    tokens = [token for token in patterns.nlp.make_doc(normalised) if not token.is_space]
    starts, ends = [token.idx for token in tokens], [token.idx + len(token) for token in tokens]
    breaks = [
        (token.is_punct and not _CLAUSE_MARKS.isdisjoint(token.text)) or "\n" in normalised[end:next_start]
        for token, end, next_start in zip(tokens, ends, [*starts[1:], len(normalised)], strict=False)
    ]
    doc = Doc(patterns.nlp.vocab, words=[token.text for token in tokens])
    matches: dict[str, list[Match]] = {}
    starting: dict[tuple[str, int], Match] = {}
    ending: dict[tuple[str, int], Match] = {}
    for match_id, start, end, alignment in patterns.matcher(doc, with_alignments=True):
        kind, parts = patterns.rules[match_id]
        places: dict[str, tuple[int, int]] = {}
        for index, spec in enumerate(alignment, start):
            places[parts[spec]] = (places.get(parts[spec], (index, index))[0], index)
        texts = {part: normalised[starts[first] : ends[last]] for part, (first, last) in places.items()}
        match = Match(start, end, texts)
        matches.setdefault(kind, []).append(match)
        for by_edge, key in ((starting, (kind, start)), (ending, (kind, end))):
            if key not in by_edge or by_edge[key].end - by_edge[key].start < end - start:
                by_edge[key] = match
    for kind in ("elapsed", "day_count"):  # with the lead-in right before it: "it's been" 4 days, "I'm on" day 3
        matches[kind] = [
            Match(lead.start, match.end, lead.parts | match.parts)
            if (lead := ending.get((f"{kind}_lead", match.start)))
            else match
            for match in matches.get(kind, [])
        ]
    return Reading(starts, ends, [token.text for token in tokens], breaks, matches, starting, ending)


def leftmost_longest(matches: Iterable[Match]) -> list[Match]:
    """Matches that do not overlap, each the longest at the leftmost place left, as a regex finds them."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda match: (match.start, -match.end)):
        if not chosen or match.start >= chosen[-1].end:
            chosen.append(match)
    return chosen

"""The procedure-time vocabulary (content/time_vocabulary.yml) read and checked: spellings, units, parts of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

if TYPE_CHECKING:  # the compiled patterns hold spaCy objects; reading the vocabulary needs no spaCy
    from spacy.language import Language
    from spacy.matcher import Matcher

DEFAULT_EXPRESSIONS_FILE = CONTENT_FOLDER / "time_vocabulary.yml"


# --- The vocabulary, compiled -----------------------------------------------------------------


def today_offset_hours(path: str | Path = DEFAULT_EXPRESSIONS_FILE) -> float:
    """How long ago "earlier today" is taken to be (`today.minutes_before_now`), in hours."""
    source = str(path)
    today = mapping_at(read_yaml_mapping(path), "today", source)
    return number_at(today.get("minutes_before_now"), "today.minutes_before_now", source) / 60


def spelling_key(text: str) -> str:
    """A phrase as looked up in the vocabulary: case-folded, apostrophes dropped, single spaces."""
    return " ".join(text.casefold().replace("'", "").replace("’", "").split())


def phrase_list(vocabulary: dict[str, Any], key: str, source: str) -> list[str]:
    """A list of phrases from the vocabulary, or ConfigError naming the file and key."""
    value = vocabulary.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{source}: key '{key}' must be a list of phrases")
    return value


def mapping_at(vocabulary: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = vocabulary.get(key)
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"{source}: key '{key}' must be a mapping")
    return value


def number_at(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{source}: {where} must be a number of at least 0, not {value!r}")
    return float(value)


def _ordered_spellings(rows: Any, expected: int, key: str, source: str) -> dict[str, int]:
    """Spelling -> 1-based position, for the weekday and month lists."""
    if not isinstance(rows, list) or len(rows) != expected:
        raise ConfigError(f"{source}: key '{key}' must list {expected} entries in order")
    spellings = {}
    for position, names in enumerate(rows, start=1):
        if not isinstance(names, list) or not names:
            raise ConfigError(f"{source}: entry {position} of '{key}' must be a list of spellings")
        spellings.update({spelling_key(str(name)): position for name in names})
    return spellings


@dataclass(frozen=True, eq=False)
class TimePatterns:
    """The vocabulary of content/time_vocabulary.yml: lookups by spelling, and the spaCy pipeline and Matcher."""

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
class Spellings:
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
    for name, unit in mapping_at(vocabulary, "units", source).items():
        if not isinstance(unit, dict):
            raise ConfigError(f"{source}: unit '{name}' must have 'minutes' and 'words'")
        minutes = number_at(unit.get("minutes"), f"units.{name}.minutes", source)
        spellings = phrase_list(unit, "words", f"{source}: units.{name}")
        units_by_name[str(name)] = spellings
        unit_minutes.update({spelling_key(word): minutes for word in spellings})
    return unit_minutes, units_by_name


def _part_names(vocabulary: dict[str, Any], key: str, hours: dict[str, Any], source: str) -> dict[str, str]:
    """Part-of-day spelling -> part name, checking that every part has an hour."""
    names: dict[str, str] = {}
    for part, spellings in mapping_at(vocabulary, key, source).items():
        if part not in hours:
            raise ConfigError(f"{source}: part of day '{part}' in '{key}' has no hour in 'part_of_day_hours'")
        names.update({spelling_key(word): str(part) for word in phrase_list({key: spellings}, key, source)})
    return names


def read_spellings(vocabulary: dict[str, Any], source: str) -> Spellings:
    """Reads and checks the lookups of a vocabulary; ConfigError naming `source` and the key."""
    unit_minutes, units_by_name = _unit_spellings(vocabulary, source)
    hours = mapping_at(vocabulary, "part_of_day_hours", source)
    part_names = _part_names(vocabulary, "part_of_day_words", hours, source)
    tonight_names = _part_names(vocabulary, "tonight_words", hours, source)
    return Spellings(
        numbers={
            spelling_key(word): number_at(value, f"number word '{word}'", source)
            for word, value in mapping_at(vocabulary, "number_words", source).items()
        },
        unit_minutes=unit_minutes,
        units_by_name=units_by_name,
        days_back={
            spelling_key(phrase): int(number_at(days, f"days_back '{phrase}'", source))
            for phrase, days in mapping_at(vocabulary, "days_back", source).items()
        },
        part_names=part_names,
        tonight_names=tonight_names,
        part_hours={
            spelling: int(number_at(hours[part], f"part_of_day_hours.{part}", source))
            for spelling, part in {**part_names, **tonight_names}.items()
        },
        weekdays=_ordered_spellings(vocabulary.get("weekdays"), 7, "weekdays", source),
        months=_ordered_spellings(vocabulary.get("months"), 12, "months", source),
    )

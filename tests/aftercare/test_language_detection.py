"""The language detector on fresh short chat messages (tests/held_out/languages.yml), with thresholds.

An English patient answered in Spanish is the worst mistake here, so no English message may be read as Spanish;
Spanish messages should be, and the few the detector misses must still get their signs escalated (the Spanish
lexicon marks them: aftercare.languages.read_message).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from aftercare.languages import load_languages, read_message
from aftercare.languages.detection import ENGLISH, detect_language, word_count
from tests.strategies import ANY_TEXT

HELD_OUT = yaml.safe_load((Path(__file__).parents[1] / "held_out" / "languages.yml").read_text(encoding="utf-8"))
ENGLISH_MESSAGES = [str(message) for message in HELD_OUT["english"]]
SPANISH_MESSAGES = [str(message) for message in HELD_OUT["spanish"]]
SUPPORTED = ("es",)


def test_no_english_message_is_read_as_spanish():
    wrong = [message for message in ENGLISH_MESSAGES if detect_language(message, SUPPORTED) != ENGLISH]
    assert wrong == []


def test_at_least_90_percent_of_the_spanish_messages_are_read_as_spanish():
    found = [message for message in SPANISH_MESSAGES if detect_language(message, SUPPORTED) == "es"]
    assert len(found) / len(SPANISH_MESSAGES) >= 0.90, sorted(set(SPANISH_MESSAGES) - set(found))


def test_with_the_spanish_lexicon_at_least_95_percent_are_answered_in_spanish_and_no_english_one():
    languages = load_languages()
    spanish = [m for m in SPANISH_MESSAGES if read_message(m, languages).code == "es"]
    english = [m for m in ENGLISH_MESSAGES if read_message(m, languages).code != ENGLISH]
    assert len(spanish) / len(SPANISH_MESSAGES) >= 0.95, sorted(set(SPANISH_MESSAGES) - set(spanish))
    assert english == []


@pytest.mark.parametrize("message", ["ok", "hola", "gracias", "no", "3", "Maria", "😊", "", "   ", "¿?"])
def test_one_word_numbers_and_symbols_stay_english(message):
    assert detect_language(message, SUPPORTED) == ENGLISH


def test_without_a_supported_language_everything_is_english():
    assert detect_language("¿puedo usar maquillaje mañana?", ()) == ENGLISH


@pytest.mark.parametrize("message", ["posso usar maquiagem amanhã?", "posso truccarmi domani?"])
def test_portuguese_and_italian_are_not_forced_into_spanish(message):
    assert detect_language(message, SUPPORTED) == ENGLISH


def test_odd_text_does_not_crash():
    for text in ["\x00\u202e¿qué?", "a" * 20000, "🙂" * 500, "tengo\npus\tfiebre"]:
        assert detect_language(text, SUPPORTED) in (ENGLISH, "es")


def test_word_count_ignores_numbers_emoji_and_initials():
    assert word_count("Dr. P 3 😊 no") == 2


# No deadline: speed is the bench's job, and these tests share the machine.
@settings(max_examples=150, deadline=None, database=None)
@given(ANY_TEXT)
def test_reading_any_text_never_raises_and_names_a_supported_language(text):
    reading = read_message(text, load_languages())
    assert reading.code in (ENGLISH, "es")
    assert all(0 <= sign.start <= sign.end <= len(text) for sign in reading.signs)

"""Other languages as data (content/<code>/): the Spanish texts, their checks, the lexicon, the intent."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aftercare.assertion import Assertion
from aftercare.clinic import clinic_file, load_clinic
from aftercare.languages import (
    EMERGENCY,
    REDIRECT,
    WARNING_SIGN,
    Intents,
    MessageLanguage,
    language_intent,
    level_text,
    load_language,
    load_languages,
    message_language,
    read_message,
    reply_text,
)
from aftercare.languages.detection import ENGLISH
from aftercare.warning_signs import WarningSign, detect_warning_signs
from aftercare.yaml_files import ConfigError

HELD_OUT = Path(__file__).parents[1] / "held_out" / "languages_warning_signs.yml"
SPANISH = Path(__file__).parents[2] / "content" / "es" / "texts.yml"
CLINIC = load_clinic(clinic_file())
INTENTS = Intents()


def level_of(text: str) -> str:
    signs = detect_warning_signs(text, load_languages()["es"].lexicon)
    if any(sign.category == "emergency" for sign in signs):
        return "emergency"
    return "injector" if signs else "none"


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        (level, message)
        for level, messages in yaml.safe_load(HELD_OUT.read_text("utf-8")).items()
        for message in messages
    ],
)
def test_the_spanish_lexicon_on_held_out_messages(expected, message):
    assert level_of(message) == expected


@pytest.mark.parametrize(
    "message",
    ["no puedo respirar", "me cuesta respirar", "tengo los labios hinchados", "se me hincha la garganta",
     "me desmayé", "tengo un mareo fuerte", "tengo dolor en el pecho"],
)  # fmt: skip
def test_the_issues_spanish_emergency_phrases_are_emergencies(message):
    assert level_of(message) == "emergency"


@pytest.mark.parametrize("message", ["tengo pus", "tengo fiebre"])
def test_pus_and_fever_go_to_the_injector(message):
    assert level_of(message) == "injector"


@pytest.mark.parametrize("message", ["no tengo fiebre", "sin pus", "no tengo pus ni fiebre", "no me cuesta respirar"])
def test_negated_spanish_signs_do_not_escalate(message):
    assert level_of(message) == "none"


def test_the_spanish_texts_give_the_clinics_numbers_and_say_the_assistant_answers_in_english():
    details = CLINIC.contact_details()
    redirect = reply_text("es", REDIRECT, details)
    assert CLINIC.phone in redirect and CLINIC.emergency_number in redirect and "inglés" in redirect
    emergency = reply_text("es", EMERGENCY, details)
    assert emergency.startswith(f"Llame ya al {CLINIC.emergency_number}")
    warning = reply_text("es", WARNING_SIGN, details)
    assert CLINIC.injector_name in warning and CLINIC.phone in warning
    assert reply_text(ENGLISH, REDIRECT, details) is None and reply_text("xx", REDIRECT, details) is None


def test_escalation_levels_pick_their_text():
    assert level_text("emergency") == EMERGENCY and level_text("injector") == WARNING_SIGN


def write_language(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(SPANISH.read_text("utf-8"))
    data["warning_signs"] = str(SPANISH.with_name(data["warning_signs"]))
    data.update(changes)
    path = tmp_path / "pt" / "texts.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_language_is_added_as_a_folder(tmp_path):
    language = load_language(write_language(tmp_path, name="Português", redirect="Ligue {phone} ou {emergency_number}"))
    assert language.code == "pt" and language.texts[REDIRECT] == "Ligue {phone} ou {emergency_number}"
    assert set(load_languages(tmp_path)) == {"pt"}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"redirect": None}, "key 'redirect': the text is missing"),
        ({"emergency": "Llame a {phone}"}, "key 'emergency': must give the patient {emergency_number}"),
        ({"warning_sign": "Llame a {telefono}"}, "key 'warning_sign': unknown placeholder {telefono}"),
        ({"redirect": "Llame {phone"}, "key 'redirect': a {placeholder} is badly written"),
        ({"name": ""}, "key 'name'"),
        ({"warning_signs": "missing.yml"}, "key 'warning_signs'"),
    ],
)
def test_a_bad_language_file_is_refused_naming_file_and_key(tmp_path, changes, problem):
    path = write_language(tmp_path, **changes)
    with pytest.raises(ConfigError, match="pt/texts.yml") as error:
        load_language(path)
    assert problem in str(error.value)


def test_an_invalid_lexicon_is_refused(tmp_path):
    lexicon = tmp_path / "bad_signs.yml"
    lexicon.write_text("signs: {unknown_category: [x]}\nnegation: {cues: [no]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid warning-sign lexicon"):
        load_language(write_language(tmp_path, warning_signs=str(lexicon)))


def sign(category: str, status: Assertion = Assertion.PRESENT) -> WarningSign:
    return WarningSign(category, 0, 1, "x", status)


def test_a_spanish_emergency_is_an_emergency_whatever_was_predicted():
    message = MessageLanguage("es", (sign("emergency"),))
    for predicted in ("nlu_fallback", "ask_makeup", "report_warning_sign", None):
        assert language_intent(predicted, message, False) == INTENTS.emergency
    assert language_intent("report_emergency", message, True) is None


def test_a_spanish_warning_sign_raises_anything_below_it_and_never_lowers_an_emergency():
    message = MessageLanguage("es", (sign("infection"),))
    assert language_intent("ask_makeup", message, False) == INTENTS.warning
    assert language_intent("report_emergency", message, True) is None
    assert language_intent("report_warning_sign", message, True) is None


def test_a_spanish_message_without_a_sign_is_other_language():
    assert language_intent("nlu_fallback", MessageLanguage("es"), False) == INTENTS.other_language
    assert language_intent("ask_makeup", MessageLanguage("es"), False) == INTENTS.other_language
    assert language_intent("other_language", MessageLanguage("es"), False) is None


def test_the_english_detectors_signs_and_an_unopposed_classifier_guess_still_escalate():
    assert language_intent("report_warning_sign", MessageLanguage("es"), True) is None
    assert language_intent("report_emergency", MessageLanguage("es"), False) is None
    negated = MessageLanguage("es", (sign("infection", Assertion.NEGATED),))
    assert language_intent("report_warning_sign", negated, False) == INTENTS.other_language


def test_an_english_message_is_never_other_language():
    assert language_intent("other_language", MessageLanguage(ENGLISH), False) == INTENTS.fallback
    assert language_intent("ask_makeup", MessageLanguage(ENGLISH), False) is None


def test_a_spanish_sign_marks_a_message_the_detector_finds_too_short():
    reading = read_message("me desmayé", load_languages())
    assert reading.code == "es" and [s.category for s in reading.signs] == ["emergency"]


def test_an_english_sign_keeps_an_english_message_english():
    assert read_message("I have pus", load_languages()).code == ENGLISH


def test_the_language_is_read_from_the_parsed_message():
    assert message_language({"language": "es", "entities": []}) == "es"
    assert message_language({"language": None}) == ENGLISH
    assert message_language({}) == ENGLISH

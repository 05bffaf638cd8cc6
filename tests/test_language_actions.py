"""The other-language answer and the Spanish escalations, with rasa-sdk trackers as the Rasa server sends them."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionEscalate
from actions.languages import ActionAnswerOtherLanguage
from actions.settings import CLINIC


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("AFTERCARE_NOW", "2026-11-29T17:00:00Z")


def tracker(intent: str, language: str | None, signs=()) -> Tracker:
    latest = {
        "text": "un mensaje",
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": "warning_sign", "value": sign, "start": 0, "end": 3} for sign in signs],
        "metadata": {},
        "language": language,
    }
    return Tracker("patient-es", {}, latest, [], False, None, {}, "action_listen")


def texts(action, tracker: Tracker) -> tuple[list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return [m.get("text") or m.get("response") or m.get("custom") for m in dispatcher.messages], events


def test_a_spanish_message_gets_the_numbers_in_spanish():
    [said], events = texts(ActionAnswerOtherLanguage(), tracker("other_language", "es"))
    assert "solo respondo en inglés" in said and CLINIC.phone in said and CLINIC.emergency_number in said
    assert events == []


def test_without_a_known_language_the_english_rephrase_prompt_is_sent():
    said, _ = texts(ActionAnswerOtherLanguage(), tracker("other_language", None))
    assert said == ["utter_ask_rephrase"]


def test_a_spanish_emergency_starts_with_the_emergency_number_and_escalates():
    said, events = texts(ActionEscalate(), tracker("report_emergency", "es", ["emergency"]))
    assert said[0].startswith(f"Llame ya al {CLINIC.emergency_number}")
    assert {"escalation": "emergency", "phone": CLINIC.phone} in said
    assert {"event": "slot", "timestamp": None, "name": "escalation", "value": "emergency"} in events


def test_a_spanish_warning_sign_names_the_injector_in_spanish():
    said, events = texts(ActionEscalate(), tracker("report_warning_sign", "es", ["infection"]))
    assert "señal de alarma" in said[0] and CLINIC.injector_name in said[0] and CLINIC.phone in said[0]
    assert "utter_warning_sign" not in said
    assert {"escalation": "injector", "phone": CLINIC.phone} in said


def test_an_english_escalation_is_unchanged():
    said, _ = texts(ActionEscalate(), tracker("report_emergency", None, ["emergency"]))
    assert said[0] == "utter_emergency"


def test_a_spanish_warning_sign_is_not_offered_the_english_callback_form(alerts, monkeypatch):
    alerts()
    monkeypatch.setenv("AFTERCARE_NOW", "2026-12-02T04:00:00Z")  # 11 pm on a Tuesday in New York: closed
    said, events = texts(ActionEscalate(), tracker("report_warning_sign", "es", ["infection"]))
    assert "utter_offer_callback" not in said and "urgencias" in said[0]
    assert {"event": "slot", "timestamp": None, "name": "callback_offered", "value": False} in events
    english, _ = texts(ActionEscalate(), tracker("report_warning_sign", None, ["infection"]))
    assert "utter_offer_callback" in english

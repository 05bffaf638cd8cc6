"""Reading the callback form's answers (aftercare/callbacks.py) and the callback actions (actions/callbacks.py)."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from aftercare.callbacks import read_name, read_phone, read_time_to_call


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("555 010 2030", "555 010 2030"),
        ("my number is (555) 010-2030", "(555) 010-2030"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("07700900123", "07700900123"),
        ("call 555.010.2030 please", "555.010.2030"),
        ("12345", None),  # too short
        ("1234567890123456", None),  # longer than E.164 allows
        ("555 010 2030 or 555 010 2040", None),  # two numbers: which one?
        ("anna", None),
        ("", None),
    ],
)
def test_reading_a_phone_number(text, phone):
    assert read_phone(text) == phone


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Anna", "Anna"),
        ("my name is Anna Smith", "Anna Smith"),
        ("I'm Jo.", "Jo"),
        ("hi, it's Siobhán Ó Briain", "Siobhán Ó Briain"),
        ("555 010 2030", None),
        ("!!!", None),
        ("a" * 61, None),
        ("I would rather not tell you that at all", None),
        ("how much is a session?", None),
        ("are you a bot?", None),
    ],
)
def test_reading_a_name(text, name):
    assert read_name(text) == name


def test_reading_a_time_to_call():
    assert read_time_to_call("after 5pm please.") == "after 5pm please"
    assert read_time_to_call("call me tomorrow morning") == "tomorrow morning"
    assert read_time_to_call("  ") is None
    assert read_time_to_call("x" * 101) is None


def form_tracker(**slots):
    return Tracker(
        sender_id="patient-callback",
        slots=slots,
        latest_message={"text": "yes", "intent": {"name": "affirm", "confidence": 0.99}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "callback_form"},
        latest_action_name="callback_form",
    )


ANSWERS = {
    "callback_name": "Anna",
    "callback_phone": "555 010 2030",
    "callback_phone_confirmed": True,
    "callback_time": "after 5pm",
}


def submit(tracker):
    from actions.callbacks import ActionSubmitCallback

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSubmitCallback().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_a_consented_callback_stores_an_alert_with_the_details_and_says_when(alerts, monkeypatch):
    outbox = alerts()
    monkeypatch.setenv("AFTERCARE_NOW", "2026-12-02T04:00:00Z")  # 11 pm on a Tuesday in New York: closed
    messages, events = submit(form_tracker(**ANSWERS, callback_consent=True))
    (alert,) = [json.loads(delivery.body) for delivery in outbox.claim()]
    assert alert["kind"] == "callback" and alert["level"] is None
    assert alert["callback"] == {"name": "Anna", "phone": "555 010 2030", "time": "after 5pm"}
    text = messages[0]["text"]
    assert "call you on 555 010 2030 (after 5pm)" in text
    assert "after Glow Skin Clinic opens tomorrow at 9am" in text
    assert "in an emergency call 911" in text
    assert {event["name"]: event["value"] for event in events}["callback_name"] is None  # answers cleared


def test_no_consent_stores_nothing(alerts):
    outbox = alerts()
    messages, _ = submit(form_tracker(**ANSWERS, callback_consent=False))
    assert outbox.claim() == []
    assert messages[0]["response"] == "utter_callback_cancelled"


def test_without_alerts_the_patient_is_told_to_call_instead():
    messages, _ = submit(form_tracker(**ANSWERS, callback_consent=True))
    assert messages[0]["response"] == "utter_callback_unavailable"


def test_every_care_question_is_answered_during_the_form_rather_than_taken_as_an_answer():
    import yaml

    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    questions = {intent for intent in domain["intents"] if intent.startswith("ask_")}
    for slot in ("callback_name", "callback_phone", "callback_time"):
        (mapping,) = domain["slots"][slot]["mappings"]
        assert questions <= set(mapping["not_intent"]), slot
    rules = yaml.safe_load(open("data/rules/callbacks.yml", encoding="utf-8"))["rules"]
    (during_form,) = [rule for rule in rules if rule["rule"].startswith("a care question during the callback form")]
    assert {step["intent"] for step in during_form["steps"][0]["or"]} == questions

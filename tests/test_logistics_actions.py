"""The logistics actions with rasa-sdk trackers: clinic questions and questions the care guide does not cover."""

import pytest

from actions.actions import ActionAnswerQuestion
from actions.logistics import ActionAnswerLogistics, ActionSayNotCovered
from actions.settings import CLINIC
from tests.test_actions import responses, run, slot, tracker


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("AFTERCARE_NOW", "2026-11-29T17:00:00Z")


@pytest.mark.parametrize(
    ("intent", "says"),
    [
        ("clinic_appointment", "https://glowskin.example/book"),
        ("clinic_prices", "https://glowskin.example/prices"),
        ("clinic_opening_hours", "opens tomorrow at 9am"),
        ("clinic_address", "120 Main Street"),
        ("clinic_who_treated_me", "Dr. Maya Patel"),
    ],
)
def test_a_clinic_question_is_answered_without_asking_when_the_treatment_was(intent, says):
    messages, events = run(ActionAnswerLogistics(), tracker(intent))
    assert len(messages) == 1 and says in messages[0]["text"] and CLINIC.phone in messages[0]["text"]
    assert "utter_ask_procedure_time" not in responses(messages) and events == []


def test_a_question_outside_the_guide_gets_not_covered_with_the_clinics_number():
    messages, events = run(ActionSayNotCovered(), tracker("out_of_scope"))
    assert responses(messages) == ["utter_not_covered"]
    assert messages[0]["injector_name"] == CLINIC.injector_name and messages[0]["phone"] == CLINIC.phone
    assert messages[0]["hours"] == CLINIC.hours and events == []


def test_an_alcohol_question_gets_the_alcohol_answer_not_the_water_one():
    messages, _ = run(ActionAnswerQuestion(), tracker("ask_alcohol", procedure_time="2026-11-29T05:00:00Z"))
    assert responses(messages)[0].startswith("Best to skip alcohol for the first 48 hours")
    assert "Drinking plenty of water" not in " ".join(map(str, responses(messages)))


def test_a_new_time_dependent_topic_asks_when_the_treatment_was():
    messages, events = run(ActionAnswerQuestion(), tracker("ask_shaving"))
    assert responses(messages) == ["utter_ask_procedure_time"]
    assert slot(events, "pending_topic") == "shaving"

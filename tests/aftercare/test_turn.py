"""The turn decision (aftercare/turn.py) on its own: what a message gets, with no Rasa and no server."""

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from actions.settings import CLINIC, GUIDE
from aftercare.timestamps import parse_timestamp
from aftercare.turn import Reading, State, decide_turn, is_decided, read_procedure_time

NOW = parse_timestamp("2026-11-30T15:00:00Z")  # a Monday, the clinic open


def decide(intent: str, hours: float | None = 30, **reading):
    state = State(procedure_time=NOW - timedelta(hours=hours) if hours is not None else None, timezone=CLINIC.timezone)
    return decide_turn(Reading(intent=intent, **reading), state, NOW, CLINIC, GUIDE)


def said(decision):
    return [reply.response or reply.text for reply in decision.replies if reply.payload is None]


@pytest.mark.parametrize(
    ("asked", "response"), [("emergency", "utter_if_emergency_sign"), ("allergy", "utter_if_warning_sign")]
)
def test_a_sign_asked_about_gets_what_to_do_if_it_happens_with_no_alarm(asked, response):
    decision = decide("ask_swelling", topics=("swelling",), signs_asked_about=(asked,))
    assert said(decision)[0] == response
    assert decision.level is None and "escalation" not in decision.slots
    assert decision.answered == ("swelling",)


def test_a_reported_emergency_goes_to_the_emergency_number_and_alerts():
    decision = decide("report_emergency", signs=frozenset({"emergency"}))
    assert said(decision) == ["utter_emergency"] and decision.level == "emergency"
    assert decision.slots["escalation"] == "emergency"


def test_a_late_window_answer_escalates_to_the_injector():
    decision = decide("ask_redness", hours=24 * 8, topics=("redness",), named_topics=frozenset({"redness"}))
    assert decision.level == "injector" and "utter_contact_injector_now" in said(decision)


def test_a_late_window_topic_only_the_classifier_guessed_is_answered_with_when_to_call_and_no_alarm():
    # "my forehead is peeling a bit" guessed as a question about redness: no word of the message names redness.
    decision = decide("ask_redness", hours=24 * 8, topics=("redness",))
    assert decision.level is None and "utter_if_still_there" in said(decision)


def test_a_question_that_needs_the_time_waits_for_it():
    decision = decide("ask_makeup", hours=None, topics=("makeup",))
    assert decision.asks_time and decision.waiting == ("makeup",) and decision.slots["pending_topic"] == "makeup"


@pytest.mark.parametrize(("hours_ago", "accepted"), [(24, True), (-5, False), (24 * 800, False)])
def test_a_quick_reply_is_counted_from_when_it_is_pressed_and_refused_when_it_cannot_be_right(hours_ago, accepted):
    update = read_procedure_time(Reading(intent="inform_procedure_time", hours_ago=hours_ago), None, NOW)
    assert (update.accepted is not None) is accepted
    assert (update.rejected is not None) is (not accepted)


def test_a_symptom_answered_on_a_topic_its_words_do_not_name_gets_the_safety_net_instead():
    decision = decide("ask_actives", topics=("actives",), describes_symptom=True)
    assert said(decision) == ["utter_symptom_not_placed"] and decision.symptom_not_placed
    assert decision.level is None and decision.answered == ()


@pytest.mark.parametrize(
    "reading",
    [
        {"intent": "ask_actives", "topics": ("actives",), "named_topics": frozenset({"actives"})},  # named
        {"intent": "ask_swelling", "topics": ("swelling",)},  # an expected effect's topic
        {"intent": "ask_pain_relief", "topics": ("pain_relief",)},
    ],
)
def test_a_symptom_on_a_topic_about_it_is_answered(reading):
    decision = decide(describes_symptom=True, **reading)
    assert not decision.symptom_not_placed and decision.answered == reading["topics"]


@pytest.mark.parametrize(
    ("intent", "symptom", "response"),
    [
        ("nlu_fallback", True, "utter_symptom_not_placed"),
        ("nlu_fallback", False, "utter_ask_rephrase"),
        ("out_of_scope", True, "utter_symptom_not_placed"),
        ("out_of_scope", False, "utter_not_covered"),
    ],
)
def test_what_is_not_understood_says_whether_it_may_be_a_symptom(intent, symptom, response):
    assert said(decide(intent, describes_symptom=symptom)) == [response]


DECIDING_ACTIONS = {
    "action_answer_question",
    "action_escalate",
    "action_give_plan",
    "action_answer_check_in",
    "action_share_contact",
    "action_ask_rephrase",
    "action_say_not_covered",
}


def rule_routes():
    """(intent, first action) of every rule step pair in data/rules."""
    for path in sorted(Path("data/rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            for step, following in zip(steps, steps[1:], strict=False):
                intents = [step["intent"]] if "intent" in step else [b["intent"] for b in step.get("or") or []]
                if intents and "action" in following:
                    yield from ((intent, following["action"]) for intent in intents)


def test_the_evaluation_decides_exactly_the_intents_the_rules_send_to_the_deciding_actions():
    """scripts/eval_components.py decides a message with decide_turn only when a rule would (is_decided)."""
    wrong = {
        (intent, action)
        for intent, action in rule_routes()
        if (action in DECIDING_ACTIONS) != is_decided(intent) and action != "action_deactivate_loop"
    }
    assert not wrong


def test_in_the_callback_form_a_typed_time_is_no_procedure_time_but_the_widgets_metadata_is():
    typed = Reading(intent="ask_makeup", spoken_time=NOW - timedelta(hours=3))
    assert read_procedure_time(typed, None, NOW, in_form=True).accepted is None
    known = Reading(intent="ask_makeup", metadata_time="2026-11-30T12:00:00Z")
    assert read_procedure_time(known, None, NOW, in_form=True).accepted == NOW - timedelta(hours=3)


def test_a_typed_time_rasa_already_stored_is_not_set_again():
    """Rasa fills procedure_time from the entity; a second SlotSet would record the time twice."""
    typed = NOW - timedelta(hours=30)
    reading = Reading(intent="ask_hydration", topics=("hydration",), spoken_time=typed)
    stored = State(procedure_time=typed, timezone=CLINIC.timezone)
    assert "procedure_time" not in decide_turn(reading, stored, NOW, CLINIC, GUIDE).slots
    unknown = State(timezone=CLINIC.timezone)
    assert decide_turn(reading, unknown, NOW, CLINIC, GUIDE).slots["procedure_time"] == "2026-11-29T09:00:00Z"


@pytest.mark.parametrize("value", ["2026-13-45T99:00:00Z", "in 3 days", 17, "2027-06-01T12:00:00Z"])
def test_a_refused_metadata_time_is_logged_without_its_value(value, caplog):
    update = read_procedure_time(Reading(intent="ask_makeup", metadata_time=value), None, NOW)
    assert update.accepted is None
    assert "Ignored a procedure_time in message metadata" in caplog.text
    assert str(value) not in caplog.text


def test_an_effect_the_patient_describes_names_its_topic_without_asking_about_it():
    parse = {
        "text": "how many days will I be pink for?",
        "intent": {"name": "ask_work"},
        "effects_there_now": ["redness"],
    }
    reading = Reading.from_parse(parse, GUIDE.topics)
    assert reading.topics == ("work",) and reading.named_topics == frozenset({"redness"})


@pytest.mark.parametrize(("hours", "level"), [(2, None), (GUIDE.first_hours + 1, "injector"), (None, "injector")])
def test_a_sign_said_in_an_expected_effects_words_is_expected_only_in_the_first_hours(hours, level):
    # "my cheeks are hot and red": expected in the care guide's first hours, a warning sign after them or when the
    # procedure time is not known.
    decision = decide("report_warning_sign", hours=hours, signs=frozenset({"infection"}), expectable_early=True)
    assert decision.level == level
    assert ("side_effects" in decision.answered) == (level is None)


def test_an_emergency_is_never_expected_in_the_first_hours():
    decision = decide("report_emergency", hours=1, signs=frozenset({"emergency"}), expectable_early=True)
    assert decision.level == "emergency"


@pytest.mark.parametrize(("intense", "level"), [(False, None), (True, "injector")])
def test_redness_in_its_first_week_escalates_only_when_the_patient_says_it_is_intense(intense, level):
    decision = decide(
        "ask_redness",
        hours=5 * 24,
        topics=("redness",),
        named_topics=frozenset({"redness"}),
        intense_topics=frozenset({"redness"} if intense else set()),
    )
    assert decision.level == level


def test_picking_at_an_effect_is_answered_on_touching():
    # "can I pop my spots?": touching is about the effect, not a topic unrelated to it
    decision = decide(
        "ask_touching", topics=("touching",), named_topics=frozenset({"breakouts"}), describes_symptom=True
    )
    assert decision.answered == ("touching",) and not decision.symptom_not_placed


def test_the_reading_takes_the_detectors_first_hours_and_intensity_keys():
    parse = {
        "intent": {"name": "report_warning_sign"},
        "expectable_in_first_hours": True,
        "intense_effects": ["redness"],
    }
    reading = Reading.from_parse(parse, GUIDE.topics)
    assert reading.expectable_early and reading.intense_topics == frozenset({"redness"})

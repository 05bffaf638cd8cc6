"""No reply shows a patient an unfilled placeholder ("call {phone}"), whichever path utters it."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from actions.settings import CLINIC, GUIDE
from aftercare.placeholders import placeholders, replace_unfilled, response_placeholders, unfilled
from aftercare.plan import Progress
from aftercare.timestamps import parse_timestamp
from aftercare.turn import Reading, State, decide_turn

DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
SLOTS = set(DOMAIN["slots"])
NOW = parse_timestamp("2026-11-29T17:00:00Z")  # a Sunday: the clinic is closed, so callbacks are offered
CONVERSATION_FILES = sorted(Path("data").rglob("*.yml")) + sorted(Path("tests/stories").glob("*.yml"))


def uttered_by_rules_and_stories():
    """(file, response) for every response a rule or story utters itself, without a custom action."""
    for path in CONVERSATION_FILES:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in [*(content.get("rules") or []), *(content.get("stories") or [])]:
            for step in flow.get("steps") or []:
                action = step.get("action") if isinstance(step, dict) else None
                if isinstance(action, str) and action.startswith("utter_"):
                    yield str(path), action


def asked_by_forms():
    """The responses Rasa's forms utter to ask for a slot (utter_ask_<slot>) unless action_ask_<slot> exists."""
    for form in DOMAIN.get("forms", {}).values():
        for slot in form.get("required_slots") or []:
            if f"action_ask_{slot}" not in DOMAIN["actions"] and f"utter_ask_{slot}" in RESPONSES:
                yield f"utter_ask_{slot}"


def test_every_response_a_rule_story_or_form_utters_has_only_slots_as_placeholders():
    incomplete = {
        f"{where}: {response} needs {sorted(response_placeholders(RESPONSES[response]) - SLOTS)}"
        for where, response in [*uttered_by_rules_and_stories(), *(("a form", r) for r in asked_by_forms())]
        if response_placeholders(RESPONSES[response]) - SLOTS
    }
    assert not incomplete, "Use an action that fills the clinic's details (actions/callbacks.py):\n" + "\n".join(
        sorted(incomplete)
    )


def test_the_check_finds_a_response_whose_placeholder_is_not_a_slot():
    """The test above can fail: the callback bug it guards against had a rule utter this response directly."""
    assert response_placeholders(RESPONSES["utter_callback_unavailable"]) - SLOTS == {
        "clinic_name",
        "phone",
        "hours",
        "emergency_number",
    }


INTENTS = [
    "ask_makeup",
    "ask_redness",
    "ask_bleeding",
    "ask_hydration",
    "inform_procedure_time",
    "request_plan",
    "check_in_all_good",
    "check_in_worried",
    "report_warning_sign",
    "report_emergency",
    "request_human",
    "nlu_fallback",
    "out_of_scope",
]
TIMES = [None, NOW - timedelta(hours=3), NOW - timedelta(hours=30), NOW - timedelta(days=5), NOW - timedelta(days=40)]
REJECTED = [None, NOW + timedelta(days=3), NOW - timedelta(days=800)]


def every_decision():
    for intent, known, rejected, pending, plan_pending, person, language, asked, symptom in itertools.product(
        INTENTS,
        TIMES,
        REJECTED,
        [(), ("swelling",)],
        [False, True],
        [None, "Dana"],
        ["en", "es"],
        [(), ("emergency",), ("infection",)],
        [False, True],
    ):
        topics = (intent[4:],) if intent.startswith("ask_") else ()
        reading = Reading(
            intent=intent, topics=topics, language=language, signs_asked_about=asked, describes_symptom=symptom
        )
        state = State(
            procedure_time=known,
            rejected_time=rejected,
            pending_topics=pending,
            plan_pending=plan_pending,
            progress=Progress(seen_at=NOW - timedelta(days=3), seen_procedure_time=known),
            timezone=CLINIC.timezone,
            alerts_enabled=True,
            person_answering=person,
        )
        yield reading, state, decide_turn(reading, state, NOW, CLINIC, GUIDE)


def test_every_reply_the_turn_decision_sends_is_complete():
    incomplete = []
    for reading, state, decision in every_decision():
        for reply in decision.replies:
            message = {"text": reply.text, "response": reply.response, **reply.values}
            missing = unfilled(message, RESPONSES, SLOTS)
            if reply.response is not None and reply.response not in RESPONSES:
                missing.add(f"unknown response {reply.response}")
            if missing:
                incomplete.append(f"{reading.intent} {state}: {reply.response or reply.text!r} lacks {missing}")
    assert not incomplete, "\n".join(incomplete[:10])


def test_a_refused_procedure_time_is_explained_on_every_path_that_asks_again():
    for reading, state, decision in every_decision():
        asks_again = state.rejected_time is not None and decision.asks_time
        if asks_again:
            said = [reply.response for reply in decision.replies]
            assert said[0] in ("utter_procedure_time_future", "utter_procedure_time_too_old"), (reading, said)


def test_the_action_server_replaces_a_reply_with_an_unfilled_placeholder_by_the_clinics_contact_text():
    call = {"domain": {"responses": RESPONSES}, "tracker": {"slots": {"callback_phone": "555"}}}
    result = {
        "events": [],
        "responses": [
            {"response": "utter_callback_unavailable"},  # the clinic's details not sent with it
            {"response": "utter_contact_clinic", **CLINIC.contact_details()},
            {"response": "utter_ask_callback_phone_confirmed"},  # {callback_phone} is a slot
            {"text": "Call {phone} now"},
            {"custom": {"escalation": "injector"}},
        ],
    }
    replaced = replace_unfilled(call, result, "SAFE")
    assert replaced == [{"clinic_name", "phone", "hours", "emergency_number"}, {"phone"}]
    assert [reply.get("text") for reply in result["responses"]] == ["SAFE", None, None, "SAFE", None]


@pytest.mark.parametrize("text", ["no braces", "{}", "{ phone }", "a {0} index", None, 3])
def test_only_named_placeholders_count(text):
    assert placeholders(text) == set()

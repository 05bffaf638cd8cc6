"""Each custom action with rasa-sdk trackers, as the Rasa server would call it (clock fixed by AFTERCARE_NOW)."""

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerQuestion,
    ActionAskRephrase,
    ActionEscalate,
    ActionSessionStart,
    ActionShareContact,
)
from actions.settings import CLINIC

NOW = "2026-11-29T17:00:00Z"
THREE_HOURS_AGO = "2026-11-29T14:00:00Z"
TWO_DAYS_AGO = "2026-11-27T17:00:00Z"
TWELVE_DAYS_AGO = "2026-11-17T17:00:00Z"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("AFTERCARE_NOW", NOW)


def tracker(intent="ask_makeup", entities=(), metadata=None, text="a message", **slots):
    return Tracker(
        sender_id="patient-1",
        slots=slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": list(entities),
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def responses(messages):
    return [message.get("response") or message.get("text") or message.get("custom") for message in messages]


def slot(events, name):
    values = [event["value"] for event in events if event["event"] == "slot" and event["name"] == name]
    return values[-1] if values else "unset"


def time_entity(value):
    return {"entity": "procedure_time", "value": value, "start": 0, "end": 9}


# --- Session start --------------------------------------------------------------------------------------


def test_a_session_starts_with_the_disclaimer_and_keeps_the_procedure_time():
    messages, events = run(ActionSessionStart(), tracker(procedure_time=TWO_DAYS_AGO, pending_topic="makeup"))
    assert events[0] == SessionStarted()
    assert SlotSet("procedure_time", TWO_DAYS_AGO) in events
    assert slot(events, "pending_topic") == "unset"
    assert responses(messages) == ["utter_disclaimer"]
    assert messages[0]["emergency_number"] == CLINIC.emergency_number


# --- Reading the procedure time (the answering action reads it: one call to the action server a turn) ----------


def read_time(entities=(), intent="inform_procedure_time", **slots):
    return run(ActionAnswerQuestion(), tracker(intent, entities, **slots))


def test_a_time_the_patient_gives_is_stored():
    _, events = read_time([time_entity(TWO_DAYS_AGO)])
    assert slot(events, "procedure_time") == TWO_DAYS_AGO


def test_a_quick_reply_counts_its_hours_from_when_it_is_pressed():
    _, events = read_time([{"entity": "hours_ago", "value": 24}])
    assert slot(events, "procedure_time") == "2026-11-28T17:00:00Z"


@pytest.mark.parametrize("value", ["soon", None, float("nan"), 1e300])
def test_a_malformed_quick_reply_is_ignored(value):
    _, events = read_time([{"entity": "hours_ago", "value": value}])
    assert slot(events, "procedure_time") == "unset"


def test_the_patient_can_correct_the_time():
    _, events = read_time([time_entity(TWO_DAYS_AGO)], procedure_time=THREE_HOURS_AGO)
    assert slot(events, "procedure_time") == TWO_DAYS_AGO


@pytest.mark.parametrize("value", ["2026-12-05T17:00:00Z", "2025-10-01T12:00:00Z"])
def test_a_future_or_too_old_time_is_explained_and_the_known_time_kept(value):
    implausible = {"entity": "implausible_time", "value": value}
    messages, events = read_time([implausible], procedure_time=TWO_DAYS_AGO, pending_topic="makeup")
    assert slot(events, "procedure_time") == "unset"
    assert responses(messages)[0] in ("utter_procedure_time_future", "utter_procedure_time_too_old")
    assert slot(events, "pending_topic") == "makeup"


def test_metadata_fills_an_unknown_time_with_any_offset():
    _, events = read_time(metadata={"procedure_time": "2026-11-27T12:00:00-05:00"}, intent="ask_makeup")
    assert slot(events, "procedure_time") == TWO_DAYS_AGO


def test_metadata_does_not_override_what_the_patient_said():
    _, events = read_time(
        metadata={"procedure_time": THREE_HOURS_AGO}, procedure_time=TWO_DAYS_AGO, intent="ask_makeup"
    )
    assert slot(events, "procedure_time") == "unset"


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", 42, None, "2026-11-27T12:00:00"])
def test_malformed_metadata_is_ignored(value, caplog):
    _, events = read_time(metadata={"procedure_time": value}, intent="ask_makeup")
    assert slot(events, "procedure_time") == "unset"
    assert str(value) not in caplog.text  # the value itself is not logged


# --- Answering questions ------------------------------------------------------------------------------------


def test_a_time_dependent_question_asks_when_the_procedure_was_with_buttons():
    messages, events = run(ActionAnswerQuestion(), tracker("ask_makeup"))
    assert responses(messages) == ["utter_ask_procedure_time"]
    buttons = messages[0]["buttons"]
    assert [button["title"] for button in buttons][:2] == ["Earlier today", "Yesterday"]
    yesterday = json.loads(buttons[1]["payload"].removeprefix("/inform_procedure_time"))
    assert yesterday == {"hours_ago": 24}
    assert slot(events, "pending_topic") == "makeup"


def test_the_time_answer_answers_the_original_question():
    messages, events = run(
        ActionAnswerQuestion(), tracker("inform_procedure_time", procedure_time=THREE_HOURS_AGO, pending_topic="makeup")
    )
    assert messages[0]["text"].startswith("Not yet")
    assert "around 9 am tomorrow" in messages[0]["text"]  # 14:00 UTC is 9 am in New York
    assert responses(messages)[1:] == ["utter_based_on_procedure_time"]
    assert messages[1]["elapsed"] == "about 3 hours"
    assert slot(events, "pending_topic") is None


def test_make_up_three_days_after_is_fine():
    messages, _ = run(ActionAnswerQuestion(), tracker("ask_makeup", procedure_time="2026-11-26T17:00:00Z"))
    assert messages[0]["text"].startswith("Yes") and "non-comedogenic" in messages[0]["text"]


def test_a_bruise_at_two_days_is_reassured():
    messages, events = run(ActionAnswerQuestion(), tracker("ask_bruising", procedure_time=TWO_DAYS_AGO))
    assert "normal" in messages[0]["text"]
    assert slot(events, "escalation") == "unset"


def test_a_bruise_at_twelve_days_escalates_to_the_injector():
    bruise = tracker("ask_bruising", entities=[topic_entity("bruising")], procedure_time=TWELVE_DAYS_AGO)
    messages, events = run(ActionAnswerQuestion(), bruise)
    assert responses(messages)[1:3] == ["utter_contact_injector_now", {"escalation": "injector", "phone": CLINIC.phone}]
    assert messages[1]["phone"] == CLINIC.phone
    assert slot(events, "escalation") == "injector"


EIGHT_DAYS_AGO = "2026-11-21T17:00:00Z"  # past the care guide's week of redness


def topic_entity(topic):
    return {"entity": "topic", "value": topic, "start": 0, "end": 3}


def test_a_general_question_past_the_expected_time_answers_without_escalating():
    text = "how long does redness normally last?"
    messages, events = run(ActionAnswerQuestion(), tracker("ask_redness", text=text, procedure_time=EIGHT_DAYS_AGO))
    assert responses(messages)[1:] == ["utter_if_still_there", "utter_based_on_procedure_time"]
    assert messages[1]["phone"] == CLINIC.phone
    assert slot(events, "escalation") == "unset"


def test_still_having_it_past_the_expected_time_escalates():
    text = "I'm still really red, is that normal?"
    red = tracker("ask_redness", entities=[topic_entity("redness")], text=text, procedure_time=EIGHT_DAYS_AGO)
    messages, events = run(ActionAnswerQuestion(), red)
    assert "utter_contact_injector_now" in responses(messages)
    assert slot(events, "escalation") == "injector"


def test_an_effect_the_patient_says_is_gone_past_the_expected_time_answers_without_escalating():
    gone = tracker("ask_redness", text="the redness has faded now", procedure_time=EIGHT_DAYS_AGO)
    gone.latest_message["not_there_now"] = ["redness"]  # set by the warning-sign detector
    messages, events = run(ActionAnswerQuestion(), gone)
    assert "utter_contact_injector_now" not in responses(messages)
    assert "utter_if_still_there" in responses(messages)
    assert slot(events, "escalation") == "unset"


def test_bleeding_since_this_morning_escalates_while_the_procedure_time_is_unknown():
    onset = {"entity": "symptom_onset", "value": THREE_HOURS_AGO, "start": 0, "end": 3}
    bleeding = tracker("ask_bleeding", entities=[onset, topic_entity("bleeding")])
    messages, events = run(ActionAnswerQuestion(), bleeding)
    assert "utter_contact_injector_now" in responses(messages)
    assert slot(events, "escalation") == "injector"


def test_redness_since_this_morning_still_asks_when_the_procedure_was():
    onset = {"entity": "symptom_onset", "value": THREE_HOURS_AGO, "start": 0, "end": 3}
    messages, events = run(ActionAnswerQuestion(), tracker("ask_redness", entities=[onset]))
    assert responses(messages) == ["utter_ask_procedure_time"]  # never reassured on a symptom's start
    assert slot(events, "pending_topic") == "redness"


def test_every_topic_of_a_message_is_answered_once_in_one_reply():
    entities = [topic_entity("moisturizer"), topic_entity("exercise"), topic_entity("moisturizer")]
    messages, _ = run(
        ActionAnswerQuestion(), tracker("ask_moisturizer", entities=entities, procedure_time=TWO_DAYS_AGO)
    )
    texts = [message["text"] for message in messages if message.get("text")]
    assert len(texts) == 2
    assert "moisturise" in texts[0] and texts[1].startswith("You can get back to exercise now")
    assert responses(messages)[2:] == ["utter_based_on_procedure_time"]


def test_topics_waiting_for_the_time_share_one_time_question_and_are_answered_together():
    entities = [topic_entity("makeup"), topic_entity("exercise")]
    messages, events = run(ActionAnswerQuestion(), tracker("ask_hydration", entities=entities))
    assert "water" in messages[0]["text"]
    assert responses(messages)[1:] == ["utter_ask_procedure_time"]
    assert slot(events, "pending_topic") == "makeup exercise"
    messages, events = run(
        ActionAnswerQuestion(),
        tracker("inform_procedure_time", procedure_time=TWO_DAYS_AGO, pending_topic="makeup exercise"),
    )
    assert len([message for message in messages if message.get("text")]) == 2
    assert slot(events, "pending_topic") is None


def test_a_question_that_does_not_depend_on_time_is_answered_straight_away():
    messages, events = run(ActionAnswerQuestion(), tracker("ask_hydration"))
    assert "water" in messages[0]["text"]
    assert len(messages) == 1


def test_a_rejected_time_is_explained_and_asked_again_keeping_the_question():
    implausible = {"entity": "implausible_time", "value": "2026-12-05T17:00:00Z"}
    messages, events = run(
        ActionAnswerQuestion(), tracker("inform_procedure_time", [implausible], pending_topic="makeup")
    )
    assert responses(messages) == ["utter_procedure_time_future", "utter_ask_procedure_time"]
    assert messages[0]["understood"] == "Sat 5 Dec 2026"
    assert slot(events, "pending_topic") == "makeup"


def test_a_time_without_a_pending_question_is_acknowledged():
    messages, _ = run(ActionAnswerQuestion(), tracker("inform_procedure_time", procedure_time=TWO_DAYS_AGO))
    assert responses(messages) == ["utter_procedure_time_noted"]
    assert messages[0]["elapsed"] == "about 2 days"


def test_a_time_answer_that_was_not_understood_asks_again():
    messages, events = run(ActionAnswerQuestion(), tracker("inform_procedure_time", pending_topic="makeup"))
    assert responses(messages) == ["utter_procedure_time_not_understood", "utter_ask_procedure_time"]
    assert slot(events, "pending_topic") == "makeup"


# --- Escalation ----------------------------------------------------------------------------------------------


def test_a_warning_sign_sends_the_patient_to_the_injector_and_cancels_the_pending_question():
    messages, events = run(
        ActionEscalate(),
        tracker(
            "report_warning_sign", entities=[{"entity": "warning_sign", "value": "infection"}], pending_topic="makeup"
        ),
    )
    assert responses(messages) == [
        "utter_warning_sign",
        "utter_contact_injector_now",
        {"escalation": "injector", "phone": CLINIC.phone},
    ]
    assert slot(events, "escalation") == "injector" and slot(events, "pending_topic") is None


@pytest.mark.parametrize(
    ("intent", "signs"), [("report_emergency", []), ("report_warning_sign", ["infection", "emergency"])]
)
def test_an_emergency_sign_gives_the_emergency_number_first_and_nothing_else(intent, signs):
    entities = [{"entity": "warning_sign", "value": sign} for sign in signs]
    messages, events = run(ActionEscalate(), tracker(intent, entities=entities, escalation="injector"))
    assert responses(messages) == ["utter_emergency", {"escalation": "emergency", "phone": CLINIC.phone}]
    assert slot(events, "escalation") == "emergency"


def test_escalation_is_never_lowered_within_a_conversation():
    messages, events = run(ActionEscalate(), tracker("report_warning_sign", escalation="emergency"))
    assert slot(events, "escalation") == "unset"
    # The widget shows the level the payload carries: still the emergency, not this turn's injector level.
    assert {"escalation": "emergency", "phone": CLINIC.phone} in responses(messages)


def test_asking_for_a_person_gives_the_clinic_contact_details():
    messages, events = run(ActionShareContact(), tracker("request_human"))
    assert responses(messages)[0] == "utter_contact_clinic"
    assert messages[0]["phone"] == CLINIC.phone and messages[0]["hours"] == CLINIC.hours
    assert slot(events, "escalation") == "injector"


def test_low_confidence_asks_to_rephrase_with_the_clinic_contact():
    messages, _ = run(ActionAskRephrase(), tracker("nlu_fallback"))
    assert responses(messages) == ["utter_ask_rephrase"]
    assert messages[0]["phone"] == CLINIC.phone


def stored_alerts(outbox):
    return [json.loads(delivery.body) for delivery in outbox.claim()]


def test_an_escalation_stores_one_alert_without_the_patients_words(alerts):
    outbox = alerts()
    words = tracker("report_warning_sign", [{"entity": "warning_sign", "value": "infection"}])
    words.latest_message["text"] = "zebrafinch pus on my cheek since 2026-11-28"
    run(ActionEscalate(), words)
    (alert,) = stored_alerts(outbox)
    assert alert["kind"] == "escalation" and alert["level"] == "injector" and alert["conversation_id"] == "patient-1"
    assert alert["console_url"] == "http://localhost:8090/conversations/patient-1"
    body = json.dumps(alert)
    assert "zebrafinch" not in body and "pus" not in body and "2026-11-28" not in body


def test_an_emergency_alerts_at_emergency_level_and_details_only_when_the_clinic_opts_in(alerts):
    outbox = alerts(ALERT_INCLUDE_DETAILS="1")
    emergency = tracker("report_emergency")
    emergency.latest_message["text"] = "my throat is closing"
    run(ActionEscalate(), emergency)
    (alert,) = stored_alerts(outbox)
    assert alert["level"] == "emergency"
    assert alert["details"] == {"message": "my throat is closing", "level": "emergency"}


def test_a_late_effect_in_the_care_guide_alerts_like_a_reported_sign(alerts):
    outbox = alerts()
    run(
        ActionAnswerQuestion(),
        tracker("ask_bruising", entities=[topic_entity("bruising")], procedure_time=TWELVE_DAYS_AGO),
    )
    assert [alert["level"] for alert in stored_alerts(outbox)] == ["injector"]


def test_with_alerts_off_nothing_is_stored_and_the_patient_is_still_escalated():
    from actions import settings

    assert settings.ALERTS.outbox is None  # nothing configured in the test environment
    messages, events = run(ActionEscalate(), tracker("report_warning_sign"))
    assert "utter_contact_injector_now" in responses(messages)


@pytest.mark.parametrize(
    ("now", "intent", "offered"),
    [
        ("2026-12-02T04:00:00Z", "report_warning_sign", "tomorrow at 9am"),  # 11 pm on a Tuesday in New York
        ("2026-12-05T23:00:00Z", "report_warning_sign", "Monday 7 Dec at 9am"),  # Saturday evening
        ("2026-12-01T15:00:00Z", "report_warning_sign", None),  # 10 am on a Tuesday: open, so call now
        ("2026-12-02T04:00:00Z", "report_emergency", None),  # an emergency is never offered a callback
    ],
)
def test_a_callback_is_offered_after_a_warning_sign_only_while_the_clinic_is_closed(
    alerts, monkeypatch, now, intent, offered
):
    alerts()
    monkeypatch.setenv("AFTERCARE_NOW", now)
    messages, events = run(ActionEscalate(), tracker(intent))
    offers = [message for message in messages if message.get("response") == "utter_offer_callback"]
    if offered:
        (offer,) = offers
        assert offer["next_opening"] == offered
        assert slot(events, "callback_offered") is True
    else:
        assert offers == []


def test_no_callback_is_offered_when_the_clinic_cannot_be_told(monkeypatch):
    monkeypatch.setenv("AFTERCARE_NOW", "2026-12-02T04:00:00Z")
    messages, _ = run(ActionEscalate(), tracker("report_warning_sign"))
    assert "utter_offer_callback" not in responses(messages)


def test_rasa_shell_gets_no_custom_json_payload():
    in_the_terminal = tracker("report_warning_sign")
    in_the_terminal.events.append({"event": "user", "text": "pus", "input_channel": "cmdline"})
    messages, _ = run(ActionEscalate(), in_the_terminal)
    assert "utter_contact_injector_now" in responses(messages)
    assert not any(message.get("custom") for message in messages)
    on_the_widget = tracker("report_warning_sign")
    on_the_widget.events.append({"event": "user", "text": "pus", "input_channel": "socketio"})
    messages, _ = run(ActionEscalate(), on_the_widget)
    assert {"escalation": "injector", "phone": CLINIC.phone} in [message.get("custom") for message in messages]

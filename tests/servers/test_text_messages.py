"""Text messages end to end: a signed SMS from an enrolled patient, posted as Twilio posts it to the real Rasa server,
reaches that patient's conversation with the procedure time known, a warning sign in it alerts the clinic once,
and the assistant's answer goes back by SMS through the (local stand-in) Twilio Messages API."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from storage.enrolments import EnrolmentStore, connect
from tests.servers.test_alerts import alerts_for
from tests.twilio_stand_in import incoming_text, post_signed

PATIENT = "+14155550142"
MARKER = "quokka"


def enrol(servers, mobile: str, hours_ago: float):
    store = EnrolmentStore(connect(f"sqlite:///{servers.database}"))
    now = datetime.now(timezone.utc)
    enrolment, _ = store.enrol(
        first_name="Anna",
        email=None,
        mobile=mobile,
        procedure_time=now - timedelta(hours=hours_ago),
        timezone="America/New_York",
        consent=True,
        idempotency_key=None,
        now=now,
    )
    return store, enrolment


def text(servers, sender: str, body: str) -> int:
    status, _ = post_signed(f"{servers.url}/webhooks/twilio/webhook", incoming_text(sender, body))
    return status


def test_a_warning_sign_texted_back_alerts_the_clinic_once_and_is_answered_by_sms(servers, alert_receiver, twilio):
    store, enrolment = enrol(servers, PATIENT, hours_ago=30)
    conversation = enrolment.conversation_id

    assert text(servers, PATIENT, f"there's pus coming out of a spot near my {MARKER} tattoo") == 200

    assert servers.user_texts(conversation) == [f"there's pus coming out of a spot near my {MARKER} tattoo"]
    (alert,) = alerts_for(alert_receiver, conversation, 1)
    assert alert["kind"] == "escalation" and alert["level"] == "injector"
    assert MARKER not in json.dumps(alert) and PATIENT not in json.dumps(alert)
    replies = " ".join(message.body for message in twilio.texts_to(PATIENT))
    assert "warning sign" in replies
    assert "When was your procedure" not in replies  # the enrolment gave the time
    assert store.last_answer(enrolment.id) is not None
    assert MARKER not in servers.log("rasa") and PATIENT not in servers.log("rasa")


def test_stop_by_sms_ends_the_messages_and_the_assistant_never_sees_it(servers, twilio):
    store, enrolment = enrol(servers, "+14155550143", hours_ago=30)

    assert text(servers, "+14155550143", "Stop") == 200

    assert store.get(enrolment.id).stop_reason == "sms_stop"
    (confirmation,) = twilio.texts_to("+14155550143")
    assert "no more messages" in confirmation.body
    assert servers.user_texts(enrolment.conversation_id) == []

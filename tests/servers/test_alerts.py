"""Alerts end to end: a warning sign typed through REST reaches the clinic's webhook, signed, once, within seconds."""

from __future__ import annotations

import json
import time

from aftercare.staff.inbox import HANDLED, NEW
from storage.staff_store import StaffStore, connect

MARKER = "quokka"


def alerts_for(receiver, conversation: str, count: int, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [alert for alert in receiver.alerts if alert["conversation_id"] == conversation]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return [alert for alert in receiver.alerts if alert["conversation_id"] == conversation]


def test_a_warning_sign_sends_one_signed_alert_without_the_patients_words(servers, alert_receiver):
    sender = "alert-patient-warning"
    servers.send(sender, f"there's pus coming out of a spot near my {MARKER} tattoo")
    (alert,) = alerts_for(alert_receiver, sender, 1)
    assert alert["kind"] == "escalation" and alert["level"] == "injector"
    assert alert["console_url"].endswith(f"/conversations/{sender}")
    assert MARKER not in json.dumps(alert) and "pus" not in json.dumps(alert)
    assert alert_receiver.refused == 0
    servers.send(sender, "the pus is still there")  # the same conversation and level, minutes later
    time.sleep(2)
    assert len(alerts_for(alert_receiver, sender, 2, timeout=1)) == 1


def test_an_emergency_alerts_even_while_the_receiver_is_down_for_a_while(servers, alert_receiver):
    sender = "alert-patient-emergency"
    alert_receiver.status = 503
    try:
        replies = servers.send(sender, "my lips are swelling and I'm wheezing")
        assert any("Call 911 now" in reply.get("text", "") for reply in replies)
        time.sleep(3)
        assert alerts_for(alert_receiver, sender, 1, timeout=0.5) == []
    finally:
        alert_receiver.status = 200
    (alert,) = alerts_for(alert_receiver, sender, 1, timeout=30)
    assert alert["level"] == "emergency"
    assert "not delivered by webhook" in servers.log("alerts")


def said(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def test_a_warning_sign_after_the_case_was_marked_handled_alerts_the_clinic_and_reopens_it(servers, alert_receiver):
    sender = "alert-after-handled"
    servers.send(sender, "there's pus coming out of a spot on my cheek")
    assert len(alerts_for(alert_receiver, sender, 1)) == 1
    staff = StaffStore(connect(f"sqlite:///{servers.database}"))  # what "Mark handled" in the console does
    staff.save_account("nurse-after-handled@example.org", "Nurse Jo", "not-a-real-hash")
    staff.mark_handled(sender, staff.account_by_email("nurse-after-handled@example.org"), "called her")
    assert staff.inbox(only=sender)[0].status == HANDLED
    replies = said(servers.send(sender, "the redness is spreading and my cheek is hot"))
    assert "is a warning sign" in replies
    assert [alert["level"] for alert in alerts_for(alert_receiver, sender, 2)] == ["injector", "injector"]
    assert staff.inbox(only=sender)[0].status == NEW


def test_a_callback_request_asks_confirms_and_alerts_the_clinic_with_the_details(servers, alert_receiver):
    sender = "callback-happy"
    assert "What name should the clinic ask for" in said(servers.send(sender, "can someone call me back please?"))
    assert "Which phone number" in said(servers.send(sender, "Anna Quokka"))
    assert "doesn't look like a phone number" in said(servers.send(sender, "my number is twelve"))
    assert "I have (555) 010-2030. Is that right?" in said(servers.send(sender, "it's (555) 010-2030"))
    assert "good time to call" in said(servers.send(sender, "yes"))
    consent = said(servers.send(sender, "any time after 5pm"))
    assert "only to call you back" in consent
    confirmation = said(servers.send(sender, "yes that's fine"))
    assert "call you on (555) 010-2030" in confirmation and "in an emergency call 911" in confirmation
    (alert,) = alerts_for(alert_receiver, sender, 1)
    assert alert["kind"] == "callback" and alert["level"] is None
    assert alert["callback"] == {"name": "Anna Quokka", "phone": "(555) 010-2030", "time": "any time after 5pm"}
    assert servers.slot_values(sender, "procedure_time") in ([], [None])  # no number was read as a date


def test_a_wrong_number_is_asked_again(servers):
    sender = "callback-wrong-number"
    servers.send(sender, "could the clinic ring me back")
    servers.send(sender, "Ben")
    servers.send(sender, "555 010 2040")
    assert "Which phone number" in said(servers.send(sender, "no that's wrong"))
    assert "I have 555 010 2030" in said(servers.send(sender, "555 010 2030"))


def test_never_mind_stops_the_form_without_an_alert(servers, alert_receiver):
    sender = "callback-cancel"
    servers.send(sender, "I'd like a call back")
    servers.send(sender, "Cara")
    assert "I won't ask the clinic to call you" in said(servers.send(sender, "never mind"))
    time.sleep(1.5)
    assert alerts_for(alert_receiver, sender, 1, timeout=0.5) == []


def test_a_care_question_during_the_form_is_answered_and_the_form_goes_on(servers):
    sender = "callback-question"
    metadata = {"procedure_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3 * 3600))}
    servers.send(sender, "can the nurse call me back?", metadata)
    replies = servers.send(sender, "can I wear make-up in the meantime?", metadata)
    assert "make-up" in said(replies) and "What name should the clinic ask for" in said(replies)


def test_an_emergency_during_the_form_gets_the_emergency_reply_and_ends_it(servers, alert_receiver):
    sender = "callback-emergency"
    servers.send(sender, "please have someone call me")
    replies = servers.send(sender, "my throat is closing up and I can't breathe")
    assert "Call 911 now" in said(replies) and "What name" not in said(replies)
    assert [alert["level"] for alert in alerts_for(alert_receiver, sender, 1)] == ["emergency"]
    assert servers.events(sender, "active_loop")[-1]["name"] is None


def test_a_question_about_the_clinic_during_the_form_is_answered_not_taken_as_the_name(servers, alert_receiver):
    sender = "callback-clinic-question"
    servers.send(sender, "can someone call me back please?")
    replies = said(servers.send(sender, "what are your opening hours?"))
    assert "Mon-Fri 9am-6pm" in replies and "What name should the clinic ask for" in replies
    assert "Which phone number" in said(servers.send(sender, "Dana"))
    assert servers.slot_values(sender, "callback_name")[-1] == "Dana"

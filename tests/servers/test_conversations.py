"""Whole conversations through the REST channel against the real servers with the trained model."""

from datetime import datetime, timedelta, timezone


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def escalations(replies: list[dict]) -> list[str]:
    return [reply["custom"]["escalation"] for reply in replies if "escalation" in reply.get("custom", {})]


def iso(hours_ago: float) -> str:
    moment = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_first_reply_says_it_is_an_automated_assistant_with_the_emergency_number(servers):
    replies = servers.send("patient-hello", "hi")
    assert "automated aftercare assistant, not a clinician" in replies[0]["text"]
    assert "911" in replies[0]["text"]


def test_a_make_up_question_asks_when_then_answers_the_same_question_from_a_button(servers):
    replies = servers.send("patient-button", "can I wear makeup tomorrow?")
    question = next(reply for reply in replies if reply.get("buttons"))
    assert "when did you have your microneedling treatment" in question["text"]
    earlier_today = next(button for button in question["buttons"] if button["title"] == "Earlier today")
    replies = servers.send("patient-button", earlier_today["payload"])
    assert texts(replies).startswith("Not yet")
    assert "make-up" in texts(replies)


def test_a_typed_time_answers_the_pending_question(servers):
    servers.send("patient-typed", "is it ok to put on sunscreen?")
    replies = servers.send("patient-typed", "3 days ago")
    assert texts(replies).startswith("Yes: use sunscreen")
    assert servers.slot_values("patient-typed", "pending_topic")[-1] is None


def test_the_widget_metadata_time_is_used_without_asking(servers):
    replies = servers.send(
        "patient-widget", "can I wear make-up?", {"procedure_time": iso(3), "timezone": "Europe/London"}
    )
    assert not any(reply.get("buttons") for reply in replies)
    assert "Not yet" in texts(replies) and "about 3 hours" in texts(replies)


def test_time_and_question_in_one_message(servers):
    replies = servers.send("patient-both", "had it done the day before yesterday, can I wear make-up?")
    assert not any(reply.get("buttons") for reply in replies)
    assert "Yes, you can wear make-up" in texts(replies)
    assert "about 2 days" in texts(replies)


def test_a_lasting_bruise_escalates_to_the_injector(servers):
    servers.send("patient-bruise", "I had my treatment 12 days ago")
    replies = servers.send("patient-bruise", "I still have a bruise")
    assert "should have cleared" in texts(replies) and "+1 555 010 2030" in texts(replies)
    assert escalations(replies) == ["injector"]
    assert servers.slot_values("patient-bruise", "escalation") == ["injector"]


def test_a_warning_sign_inside_a_care_question_escalates(servers):
    replies = servers.send("patient-crust", "can I put make-up over the yellow crust?")
    assert "warning sign" in texts(replies)
    assert escalations(replies) == ["injector"]
    assert servers.slot_values("patient-crust", "escalation") == ["injector"]


def test_escalation_interrupts_the_time_question(servers):
    servers.send("patient-interrupt", "when can I exercise again?")
    replies = servers.send("patient-interrupt", "wait, there is pus coming out of some spots")
    assert "warning sign" in texts(replies)
    assert servers.slot_values("patient-interrupt", "pending_topic")[-1] is None


def test_emergency_signs_route_to_the_emergency_number_first(servers):
    servers.send("patient-emergency", "hello")
    replies = servers.send("patient-emergency", "my lips are swelling and I'm wheezing")
    assert replies[0]["text"].startswith("Call 911 now")
    assert "normal" not in texts(replies)
    assert escalations(replies) == ["emergency"]
    assert servers.slot_values("patient-emergency", "escalation") == ["emergency"]


def test_a_negated_sign_does_not_escalate(servers):
    servers.send("patient-pink", "I had it yesterday")
    replies = servers.send("patient-pink", "no pus, just pink")
    assert escalations(replies) == []
    assert servers.slot_values("patient-pink", "escalation") == []


def test_asking_for_a_person_gives_the_phone_number(servers):
    replies = servers.send("patient-human", "I want to talk to my injector")
    assert "+1 555 010 2030" in texts(replies)


def test_the_procedure_time_survives_a_server_restart(servers):
    servers.send("patient-restart", "I had my treatment 3 days ago")
    servers.restart_rasa()
    replies = servers.send("patient-restart", "can I wear make-up?")
    assert not any(reply.get("buttons") for reply in replies)
    assert "Yes, you can wear make-up" in texts(replies)

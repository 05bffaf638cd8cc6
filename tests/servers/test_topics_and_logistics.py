"""End to end: the newer care topics at the right times, clinic logistics, and "not covered" answers."""

from datetime import datetime, timedelta, timezone

import pytest

PHONE = "+1 555 010 2030"
NOT_COVERED = "the care guide doesn't cover that"


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def escalations(replies: list[dict]) -> list[str]:
    return [reply["custom"]["escalation"] for reply in replies if "escalation" in reply.get("custom", {})]


def at(hours_ago: float) -> dict:
    moment = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    return {"procedure_time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "timezone": "America/New_York"}


def asked_when(replies: list[dict]) -> bool:
    return "when did you have your microneedling treatment" in texts(replies)


@pytest.mark.parametrize(
    ("message", "hours_ago", "says"),
    [
        ("can I take ibuprofen for the pain?", 20, "avoid ibuprofen, aspirin"),
        ("is it ok to take paracetamol? it's a bit sore", 100, "go back to your usual pain relief"),
        ("can I put an ice pack on my face?", 5, "Never put ice directly"),
        ("can I shave my face?", 24, "wait about 3 days before shaving"),
        ("can I shave my face?", 4 * 24, "You can shave the treated area again"),
        ("can I get a spray tan?", 5 * 24, "avoid sunbeds, sunbathing and self-tan"),
        ("can I get botox next week?", 3 * 24, "wait about 2 weeks"),
        ("how should I sleep tonight?", 5, "clean pillowcase"),
        ("can I drink alcohol tonight?", 8, "skip alcohol for the first 48 hours"),
        ("can I drink alcohol tonight?", 3 * 24, "A drink in moderation is fine now"),
        ("is it ok to smoke?", 24, "Try not to smoke or vape"),
        ("can I fly tomorrow?", 20, "wait about 48 hours before flying"),
        ("can I go back to work tomorrow?", 10, "Most people go back to work"),
        ("can I use a toner with alcohol in it?", 30, "keep products containing alcohol or fragrance off"),
        ("can I have a hot bath?", 30, "hot baths and very hot showers"),
    ],
)
def test_each_new_topic_is_answered_for_the_time_since_the_treatment(servers, message, hours_ago, says):
    sender = f"patient-topic-{abs(hash((message, hours_ago)))}"
    replies = servers.send(sender, message, at(hours_ago))
    assert says in texts(replies)
    assert not asked_when(replies) and escalations(replies) == []


def test_alcohol_tonight_is_not_the_drinking_water_answer(servers):
    replies = servers.send("patient-alcohol", "can I drink alcohol tonight?", at(8))
    assert "alcohol" in texts(replies) and "Drinking plenty of water is especially important" not in texts(replies)


def test_a_time_dependent_new_topic_asks_when_then_answers(servers):
    replies = servers.send("patient-shave-asks", "can I shave my face?")
    assert asked_when(replies)
    replies = servers.send("patient-shave-asks", "4 days ago")
    assert "You can shave the treated area again" in texts(replies)


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("I want to cancel my next appointment", "https://glowskin.example/book"),
        ("can I move my appointment to another day?", "book, move or cancel"),
        ("how much does a session cost?", "https://glowskin.example/prices"),
        ("what are your opening hours?", "Mon-Fri 9am-6pm, Sat 10am-2pm"),
        ("what's the clinic's address?", "120 Main Street, Suite 4, Springfield"),
        ("who did my treatment?", "Dr. Maya Patel"),
    ],
)
def test_clinic_questions_are_answered_from_the_clinic_file_without_asking_when(servers, message, says):
    sender = f"patient-clinic-{abs(hash(message))}"
    replies = servers.send(sender, message)
    assert says in texts(replies) and PHONE in texts(replies)
    assert not asked_when(replies) and "I can only help with" not in texts(replies)
    assert servers.slot_values(sender, "pending_topic") in ([], [None])


@pytest.mark.parametrize(
    "message",
    [
        "can I get laser hair removal on my legs?",
        "my dog has fleas, what should I use?",
        "can I get a tattoo on my arm next month?",
    ],
)
def test_a_question_outside_the_care_guide_is_not_covered_and_gets_the_clinics_number(servers, message):
    sender = f"patient-outside-{abs(hash(message))}"
    replies = servers.send(sender, message, at(30))
    assert NOT_COVERED in texts(replies)
    assert "Dr. Maya Patel" in texts(replies) and PHONE in texts(replies) and "Mon-Fri" in texts(replies)
    assert "You can shave" not in texts(replies) and "wait about 3 days" not in texts(replies)
    assert escalations(replies) == []


def test_a_warning_sign_in_a_question_outside_the_guide_still_escalates(servers):
    replies = servers.send("patient-outside-sign", "can I get a tattoo? there is pus coming out of my cheek", at(30))
    assert "warning sign" in texts(replies) and NOT_COVERED not in texts(replies)
    assert escalations(replies) == ["injector"]


def test_an_emergency_in_a_question_outside_the_guide_goes_to_the_emergency_number(servers):
    servers.send("patient-outside-emergency", "hello")
    replies = servers.send("patient-outside-emergency", "my dog licked me and now my throat is closing up", at(30))
    assert replies[0]["text"].startswith("Call 911 now")
    assert escalations(replies) == ["emergency"]

"""The later care-guide topics as shipped: each answers at the right times, and none asks for what it needn't."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aftercare.care_guide import advise, domain_topics, load_care_guide
from aftercare.clinic import load_clinic
from aftercare.topics import find_topics

CLINIC = load_clinic("clinic.yml")
GUIDE = load_care_guide(CLINIC.care_guide, domain_topics(Path("domain.yml")))
NOW = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)
NEW_TOPICS = (
    "pain_relief",
    "cooling",
    "shaving",
    "tanning",
    "treatments",
    "sleeping",
    "alcohol",
    "smoking",
    "travel",
    "work",
    "skincare_products",
)


def answer(topic: str, hours_ago: float | None) -> str:
    procedure_time = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    advice = advise(GUIDE.topics[topic], procedure_time, NOW, CLINIC.timezone, CLINIC.contact_details())
    assert advice is not None and not advice.escalate  # none of these is a symptom: nothing here escalates
    return advice.text


@pytest.mark.parametrize("topic", NEW_TOPICS)
def test_every_new_topic_is_in_the_guide(topic):
    assert topic in GUIDE.topics


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("can I take ibuprofen or paracetamol?", ["pain_relief"]),
        ("is an ice pack ok", ["cooling"]),
        ("can I shave, and when can I wax?", ["shaving"]),
        ("fake tan or a sunbed before my holiday?", ["tanning", "travel"]),
        ("when can I get botox or a chemical peel", ["treatments"]),
        ("do I need a clean pillowcase", ["infection_risk", "sleeping"]),  # a clean one, and how to sleep
        ("can I have wine tonight and a cigarette", ["alcohol", "smoking"]),
        ("can I go back to work tomorrow", ["work"]),
        ("is my toner with perfume ok", ["skincare_products"]),
        ("can I take a hot bath", ["heat"]),
        # Words that would name the wrong topic are left out.
        ("can I get laser hair removal on my legs", []),
        ("can I work out tomorrow", ["exercise"]),
        ("how much water should I be drinking", ["hydration"]),
        ("can I use my facial brush", []),
    ],
)
def test_the_new_topics_are_named_by_their_words_and_only_by_them(text, topics):
    assert [mention.topic for mention in find_topics(text)] == topics


@pytest.mark.parametrize(
    ("topic", "hours_ago", "says"),
    [
        ("pain_relief", 5, "paracetamol (acetaminophen) is fine"),
        ("pain_relief", 71, "avoid ibuprofen, aspirin"),
        ("pain_relief", 73, "go back to your usual pain relief"),
        ("shaving", 71, "wait about 3 days before shaving"),
        ("shaving", 73, "You can shave the treated area again"),
        ("shaving", 13 * 24, "before waxing, threading"),
        ("shaving", 15 * 24, "waxing and threading included"),
        ("tanning", 13 * 24, "avoid sunbeds, sunbathing and self-tan"),
        ("tanning", 15 * 24, "You can use self-tan"),
        ("treatments", 13 * 24, "wait about 2 weeks"),
        ("treatments", 15 * 24, "Wait until about 4 weeks after microneedling"),
        ("treatments", 29 * 24, "peels included, are usually fine"),
        ("alcohol", 20, "skip alcohol for the first 48 hours"),
        ("alcohol", 49, "A drink in moderation is fine now"),
        ("smoking", 71, "Try not to smoke or vape"),
        ("smoking", 73, "the longer you stay off"),
        ("travel", 47, "wait about 48 hours before flying"),
        ("travel", 49, "Flying and travelling are fine"),
        ("skincare_products", 71, "keep products containing alcohol or fragrance off"),
        ("skincare_products", 73, "slowly go back to your usual products"),
        ("heat", 71, "hot baths and very hot showers"),
        ("heat", 73, "baths and hot showers now"),
    ],
)
def test_answers_follow_the_time_since_the_procedure(topic, hours_ago, says):
    assert says in answer(topic, hours_ago)


@pytest.mark.parametrize("topic", ["cooling", "sleeping", "work"])
def test_advice_that_does_not_change_with_time_never_asks_when_the_procedure_was(topic):
    assert answer(topic, None)


def test_the_alcohol_answer_is_about_alcohol_not_drinking_water():
    text = answer("alcohol", 20)
    assert "alcohol" in text and text != answer("hydration", None)


def test_ice_is_never_put_straight_on_the_skin():
    assert "Never put ice directly on the treated skin" in answer("cooling", None)


def test_a_prescribed_medicine_is_never_stopped_on_the_assistants_word():
    assert "unless a doctor prescribed them" in answer("pain_relief", 5)
    assert "Don't stop a medicine a doctor prescribed" in answer("pain_relief", 5)

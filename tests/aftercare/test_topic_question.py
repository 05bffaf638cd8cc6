"""A question about an expected effect: asked in general, or about what the patient has now."""

from __future__ import annotations

import pytest

from aftercare.assertion import Assertion
from aftercare.topic_question import topic_question_status


@pytest.mark.parametrize(
    "text",
    [
        "how long does swelling last after microneedling?",
        "How many days is redness normal for",
        "when does the flaking usually stop",
        "how long do bruises typically take to fade",
    ],
)
def test_a_question_about_how_long_an_effect_lasts_is_general(text: str) -> None:
    assert topic_question_status(text) == Assertion.GENERAL


@pytest.mark.parametrize(
    "text",
    [
        "how long will my redness last",  # the patient's own
        "I'm still swollen, how long does that last?",
        "it hasn't stopped itching, how long does itching go on",
        "is it normal to be this red",  # no general cue: counts as having it
        "the swelling is persisting, it normally goes down in two days",  # not gone
        "",
    ],
)
def test_anything_else_counts_as_having_it_now(text: str) -> None:
    assert topic_question_status(text) == Assertion.PRESENT

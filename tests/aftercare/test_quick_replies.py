"""Quick replies typed in a terminal: the choices as a numbered line, and what a typed answer sends."""

from __future__ import annotations

import pytest

from aftercare.quick_replies import QuickReply, choices_line, message_to_send, quick_replies

TIME_QUESTION = quick_replies(
    [
        {"title": "Earlier today", "payload": '/inform_procedure_time{"hours_ago": 2}'},
        {"title": "Yesterday", "payload": '/inform_procedure_time{"hours_ago": 24}'},
        {"title": "2-3 days ago", "payload": '/inform_procedure_time{"hours_ago": 60}'},
    ]
)
YES_NO = (QuickReply("Yes, that's OK", "/affirm"), QuickReply("No", "/deny"))


def test_the_choices_are_listed_in_order_with_their_numbers_and_own_words():
    assert choices_line(TIME_QUESTION) == (
        "Type a number or your own words: 1) Earlier today  2) Yesterday  3) 2-3 days ago"
    )


def test_no_choices_no_line():
    assert choices_line(()) == ""
    assert quick_replies(None) == ()


def test_a_button_without_title_or_payload_is_not_offered():
    assert quick_replies([{"title": "Yes", "payload": "/affirm"}, {"title": " ", "payload": "/deny"}, {}]) == (
        QuickReply("Yes", "/affirm"),
    )


@pytest.mark.parametrize("typed", ["2", " 2 ", "2.", "2)"])
def test_a_listed_number_sends_that_choice(typed):
    assert message_to_send(typed, TIME_QUESTION) == '/inform_procedure_time{"hours_ago": 24}'


@pytest.mark.parametrize("typed", ["yesterday", "Yesterday!", "  YESTERDAY "])
def test_a_choices_own_words_send_that_choice(typed):
    assert message_to_send(typed, TIME_QUESTION) == '/inform_procedure_time{"hours_ago": 24}'


@pytest.mark.parametrize(
    "typed",
    [
        "yesterday morning",  # not the first choice, as Rasa's menu took it: what the patient typed
        "yesterday at 10",
        "0",
        "4",  # beyond the list
        "12 hours ago",
        "",
    ],
)
def test_anything_else_is_sent_as_typed(typed):
    assert message_to_send(typed, TIME_QUESTION) == typed


def test_a_number_means_nothing_when_no_choice_was_offered():
    assert message_to_send("2", ()) == "2"


def test_words_match_whole_titles_only():
    assert message_to_send("yes, that's ok", YES_NO) == "/affirm"
    assert message_to_send("yes", YES_NO) == "yes"  # the assistant understands it as any other message

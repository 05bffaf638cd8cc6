"""What the channels accept as a patient's message, and how they clean it (aftercare/messages.py)."""

import json

import pytest

from aftercare import log_redaction
from aftercare.messages import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARACTERS,
    BadRequest,
    check_metadata,
    clean_text,
    read_rest_body,
    socket_metadata,
    useful_metadata,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("is redness normal?", "is redness normal?"),
        ("  is\tredness\n\nnormal?  ", "is redness normal?"),
        ("there is p\u200bu\u200cs", "there is pus"),  # zero-width characters would hide a warning sign
        ("\u202ered\u202c skin", "red skin"),  # bidirectional controls
        ("swel\u00adling", "swelling"),  # soft hyphen
        ("ｃａｎ Ｉ ｗｅａｒ ﬁlm", "can I wear film"),  # full-width letters and ligatures
        ("is\x00red\x1b[31m", "is red [31m"),  # control characters become spaces
        ("lone \ud800 surrogate", "lone surrogate"),
        ("\u2028line\u2029break\u00a0here", "line break here"),
        ("هل الاحمرار طبيعي؟", "هل الاحمرار طبيعي؟"),
        ("😭 ok?", "😭 ok?"),
        ("\u200b \ufeff", ""),
        ("\u035c\u0600\u0300", "\u0300\u035c"),  # marks left side by side by a removed character are reordered
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def rest_body(**fields):
    return json.dumps(fields).encode()


def test_a_good_body_is_read():
    incoming = read_rest_body(
        rest_body(
            sender=" anna ",
            message=" can I wear\u200b make-up? ",
            metadata={"procedure_time": "2026-11-28T17:00:00Z", "timezone": "Europe/London", "campaign": "x"},
        )
    )
    assert incoming.sender == "anna"
    assert incoming.text == "can I wear make-up?"
    assert incoming.metadata == {"procedure_time": "2026-11-28T17:00:00Z", "timezone": "Europe/London"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "body is empty"),
        (b"nope", "must be JSON"),
        (b"\xff\xfe\x00", "encoded as UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, "must be JSON"),
        (b"[]", "must be a JSON object"),
        (rest_body(message="hi"), "'sender' is missing"),
        (rest_body(sender=7, message="hi"), "'sender' must be text (the conversation's id), not a number"),
        (rest_body(sender=True, message="hi"), "not true/false"),
        (rest_body(sender="   ", message="hi"), "'sender' must be 1 to 128"),
        (rest_body(sender="a\nb", message="hi"), "'sender' must be 1 to 128"),
        (rest_body(sender="anna"), "'message' is missing or null"),
        (rest_body(sender="anna", message=["hi"]), "'message' must be text, not a list"),
        (rest_body(sender="anna", message="hi", metadata="x"), "'metadata' must be an object"),
        (rest_body(sender="anna", message="hi", metadata=[]), "not a list"),
    ],
)
def test_a_malformed_body_is_a_bad_request_saying_why(body, message):
    with pytest.raises(BadRequest) as problem:
        read_rest_body(body)
    assert problem.value.status == 400 and message in problem.value.message


def test_an_oversized_body_is_refused_before_parsing():
    with pytest.raises(BadRequest) as problem:
        read_rest_body(b" " * (MAX_BODY_BYTES + 1))
    assert problem.value.status == 413


def test_an_empty_message_is_not_an_error():
    assert read_rest_body(rest_body(sender="anna", message=" \u200b ")).text == ""


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        (None, {}),
        ({}, {}),
        ({"procedure_time": "2026-11-28T17:00:00-05:00"}, {"procedure_time": "2026-11-28T17:00:00-05:00"}),
        ({"procedure_time": "2026-11-28T17:00:00"}, {}),  # no offset: ambiguous
        ({"procedure_time": "yesterday"}, {}),
        ({"procedure_time": 1700000000}, {}),
        ({"procedure_time": ["2026-11-28T17:00:00Z"]}, {}),
        ({"procedure_time": "2026-11-28T17:00:00Z" + " " * 100}, {}),
        ({"procedure_time": "0001-01-01T00:00:00+05:00"}, {}),  # raised OverflowError
        ({"procedure_time": "9999-12-31T23:59:59-05:00"}, {}),
        ({"timezone": "Mars/Olympus"}, {}),
        ({"timezone": "../../etc/passwd"}, {}),
        ({"timezone": 5}, {}),
        ({"timezone": "America/New_York", "tracking": {"id": 1}}, {"timezone": "America/New_York"}),
    ],
)
def test_only_usable_known_metadata_is_kept(metadata, kept):
    assert check_metadata(metadata) == kept


def test_a_dropped_procedure_time_is_logged_without_its_value(caplog):
    log_redaction.forget_all()  # earlier tests' hostile messages may have registered "procedure_time" itself
    useful_metadata({"procedure_time": "secret-yesterday"})
    assert "Dropped a malformed procedure_time" in caplog.text
    assert "secret-yesterday" not in caplog.text


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        ({"timezone": "Europe/London"}, {"timezone": "Europe/London"}),
        ('{"timezone": "Europe/London"}', {"timezone": "Europe/London"}),
        ("{not json", {}),
        ("[1]", {}),
        ([1], {}),
        (7, {}),
        (None, {}),
    ],
)
def test_socket_metadata_is_an_object_or_nothing(metadata, kept):
    assert socket_metadata(metadata) == kept


@pytest.mark.parametrize(
    ("text", "reply"),
    [("", "empty"), ("x" * MAX_MESSAGE_CHARACTERS, None), ("x" * (MAX_MESSAGE_CHARACTERS + 1), "too_long")],
)
def test_both_channels_answer_an_empty_or_over_long_message_themselves(text, reply):
    from aftercare.clinic import load_clinic
    from aftercare.replies import Replies

    replies = Replies.for_clinic(load_clinic("clinic.yml"))
    assert replies.refusal(text) == (getattr(replies, reply) if reply else None)

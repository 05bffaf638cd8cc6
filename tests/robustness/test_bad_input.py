"""Bad input to the REST webhook: a clear answer every time, never a 5xx, and the server keeps serving others.

Before channels/rest.py, Rasa's REST channel answered a JSON list or string body with 500, a `message` that
is not text with an empty list (silence), a missing `sender` by filing the message in a conversation shared
by everyone ("default"), and malformed metadata by losing the turn after the disclaimer.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare.messages import KNOWN_METADATA
from tests.robustness.conftest import CLINIC, is_safe_reply, texts

EMPTY_REPLY = "I didn't get a message"
RASA_METADATA = ("model_id", "assistant_id")  # Rasa adds these to every event
TOO_LONG_REPLY = "Your message is too long"


def iso(hours_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def assert_well_formed(status: int, answer: object) -> None:
    """200 with bot messages a widget can show, or a 4xx with a JSON message: never a 5xx or a stack trace."""
    assert status < 500, answer
    if status == 200:
        assert isinstance(answer, list) and answer, answer
        for message in answer:
            assert isinstance(message, dict)
            assert any(message.get(key) for key in ("text", "buttons", "custom")), message
            assert not is_safe_reply(message.get("text", "")), "a custom action failed on this input"
    else:
        assert 400 <= status < 500
        assert isinstance(answer, dict) and isinstance(answer.get("message"), str) and answer["message"], answer
        assert "Traceback" not in answer["message"]


def stored_metadata(servers, sender: str) -> dict:
    """The metadata the tracker store kept with the patient's latest message (less Rasa's own keys)."""
    metadata = servers.events(sender, "user")[-1]["metadata"]
    return {key: value for key, value in metadata.items() if key not in RASA_METADATA}


def body(**fields: object) -> str:
    return json.dumps(fields)


@pytest.mark.parametrize(
    ("request_body", "status", "says"),
    [
        ("this is not json", 400, "must be JSON"),
        ("[1, 2, 3]", 400, "must be a JSON object"),
        ('"hello"', 400, "must be a JSON object"),
        ("", 400, "body is empty"),
        ("[" * 100_000 + "]" * 100_000, 400, "must be JSON"),
        (b'{"sender": "latin1", "message": "caf\xe9"}', 400, "encoded as UTF-8"),
        (body(message="hi"), 400, "'sender' is missing"),
        (body(sender=12345, message="hi"), 400, "'sender' must be text"),
        (body(sender=None, message="hi"), 400, "'sender' is missing"),
        (body(sender={"id": 1}, message="hi"), 400, "'sender' must be text"),
        (body(sender="s" * 500, message="hi"), 400, "'sender' must be 1 to 128"),
        (body(sender="bad\x00id", message="hi"), 400, "'sender' must be 1 to 128"),
        # A lone surrogate in the sender id used to crash the whole Rasa server (UnicodeEncodeError, exit 1).
        ('{"sender": "a\\ud800", "message": "hi"}', 400, "'sender' must be 1 to 128"),
        (body(sender="no-message"), 400, "'message' is missing"),
        (body(sender="null-message", message=None), 400, "'message' is missing or null"),
        (body(sender="list-message", message=["hi", "there"]), 400, "'message' must be text, not a list"),
        (body(sender="number-message", message=42), 400, "'message' must be text, not a number"),
        (body(sender="object-message", message={"text": "hi"}), 400, "'message' must be text"),
        (body(sender="list-metadata", message="hi", metadata=[1, 2]), 400, "'metadata' must be an object"),
        (body(sender="text-metadata", message="hi", metadata="procedure_time=yesterday"), 400, "'metadata' must be"),
        (body(sender="huge", message="x" * 2_000_000), 413, "larger than"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
def test_a_malformed_request_gets_a_4xx_saying_what_to_fix(servers, request_body, status, says):
    answer_status, answer = servers.post(request_body)
    assert answer_status == status, answer
    assert_well_formed(answer_status, answer)
    assert says in answer["message"]


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("", EMPTY_REPLY),
        ("   \n\t  ", EMPTY_REPLY),
        ("\u200b\u200c\u200d\ufeff\u2060", EMPTY_REPLY),
        ("\x00\x07\x1b\x7f", EMPTY_REPLY),
        ("is redness normal? " * 1112, TOO_LONG_REPLY),
        ("😭" * 20_000, TOO_LONG_REPLY),
    ],
    ids=["empty", "whitespace", "zero-width only", "control only", "20,000 characters", "20,000 emoji"],
)
def test_an_empty_or_huge_message_gets_a_friendly_reply_with_the_clinic_numbers(servers, message, says):
    status, replies = servers.post(body(sender="patient-odd-length", message=message))
    assert status == 200
    assert_well_formed(status, replies)
    assert len(replies) == 1 and replies[0]["text"].startswith(says)
    assert CLINIC.phone in replies[0]["text"] and CLINIC.emergency_number in replies[0]["text"]


@pytest.mark.parametrize(
    "message",
    [
        "😭😭 my face 🔥🔥 is that ok??",
        "هل الاحمرار طبيعي بعد الوخز بالإبر الدقيقة؟",
        "\u202esup si ereht",
        "Ist die Rötung nach dem Microneedling normal?",
        "微针后脸红正常吗",
        "is \x00\x07\x1b[31m redness normal\x7f",
        "is \ud800 redness normal \udfff",
        "ｃａｎ Ｉ ｗｅａｒ ｍａｋｅ-ｕｐ？",
    ],
    ids=["emoji", "arabic", "bidi override", "german", "chinese", "control characters", "lone surrogates", "fullwidth"],
)
def test_unusual_text_gets_a_well_formed_answer(servers, message):
    status, replies = servers.post(body(sender="patient-unusual", message=message))
    assert status == 200
    assert_well_formed(status, replies)


def test_a_warning_sign_hidden_by_zero_width_characters_still_escalates(servers):
    status, replies = servers.post(body(sender="patient-hidden-sign", message="there is p\u200bu\u200bs coming out"))
    assert status == 200
    assert any(reply.get("custom", {}).get("escalation") == "injector" for reply in replies)
    assert servers.user_texts("patient-hidden-sign") == ["there is pus coming out"]


@pytest.mark.parametrize(
    "procedure_time",
    [
        "yesterday-ish",
        1700000000,
        ["2026-11-28T10:00:00Z"],
        {"at": "noon"},
        "2026-11-28T10:00:00",
        "9" * 500,
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
    ],
    ids=["words", "number", "list", "object", "no offset", "very long", "calendar start", "calendar end"],
)
def test_a_malformed_procedure_time_is_dropped_and_the_assistant_asks(servers, procedure_time):
    sender = f"patient-bad-time-{type(procedure_time).__name__}-{len(str(procedure_time))}-{str(procedure_time)[:2]}"
    metadata = {"procedure_time": procedure_time, "timezone": "Europe/London"}
    status, replies = servers.post(body(sender=sender, message="can I wear make-up?", metadata=metadata))
    assert_well_formed(status, replies)
    assert any(reply.get("buttons") for reply in replies), "the assistant should ask when the treatment was"
    assert stored_metadata(servers, sender) == {"timezone": "Europe/London"}


def test_unknown_metadata_is_not_stored(servers):
    metadata = {"procedure_time": iso(30), "tracking": {"campaign": [1, 2]}, "x" * 50: "y" * 5000}
    request = body(sender="patient-extra-metadata", message="can I wear make-up?", metadata=metadata)
    status, replies = servers.post(request)
    assert_well_formed(status, replies)
    assert "Yes, you can wear make-up" in texts(replies)
    stored = stored_metadata(servers, "patient-extra-metadata")
    assert set(stored) <= set(KNOWN_METADATA) and stored["procedure_time"] == metadata["procedure_time"]


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/webhooks/rest/webhook", 405), ("POST", "/nope", 404)])
def test_a_wrong_method_or_path_is_answered_in_json(servers, method, path, status):
    request = urllib.request.Request(f"{servers.url}{path}", b"{}" if method == "POST" else None, method=method)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == status
    assert json.loads(refused.value.read())["message"]


def test_the_server_keeps_serving_other_patients(servers):
    for request_body in ("[]", "not json", body(sender=1, message=None), '{"sender": "\\udfff", "message": "x"}'):
        servers.post(request_body)
    replies = servers.send("patient-after-bad-input", "can I wear make-up?", {"procedure_time": iso(3)})
    assert "Not yet" in texts(replies)


# Property: whatever a client sends, the answer is well-formed. Mostly valid bodies with odd values, so the
# requests reach the model and the actions; some are not even JSON.
ODD_TEXT = st.text(alphabet=st.characters(whitelist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "So", "Lo", "Mn")))
MESSAGES = st.one_of(
    st.text(max_size=60),
    ODD_TEXT.map(lambda text: text[:40]),
    st.sampled_from(["can I wear make-up?", "is redness normal", "3 days ago", "there is pus", "hi"]).flatmap(
        lambda text: st.tuples(st.just(text), st.text(max_size=8)).map(lambda parts: parts[1].join(parts[0].split()))
    ),
    st.text(min_size=990, max_size=1010, alphabet="ab "),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
PROCEDURE_TIMES = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)).map(
        lambda moment: moment.isoformat()
    ),
    st.floats(min_value=0, max_value=400).map(iso),
    JSON_VALUES,
)
METADATA = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {}, optional={"procedure_time": PROCEDURE_TIMES, "timezone": st.text(max_size=30) | st.just("Europe/London")}
    ),
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3),
    JSON_VALUES,
)
SENDERS = st.sampled_from(["hypothesis-1", "hypothesis-2", "hypothesis-3"]) | JSON_VALUES
BODIES = st.one_of(
    st.fixed_dictionaries(
        {"sender": st.sampled_from(["hypothesis-1", "hypothesis-2", "hypothesis-3"]), "message": MESSAGES},
        optional={"metadata": METADATA},
    ).map(json.dumps),
    st.fixed_dictionaries({}, optional={"sender": SENDERS, "message": MESSAGES, "metadata": METADATA}).map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.binary(max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(request_body=BODIES)
def test_any_request_gets_a_well_formed_answer(servers, request_body):
    status, answer = servers.post(request_body, timeout=30)
    assert_well_formed(status, answer)

"""Properties of the channels' request checks on any input (Hypothesis): only BadRequest ever escapes.

`clean_text` is idempotent and leaves no control, invisible or unusual space character; the metadata kept is
only the known keys with text values; a REST body is either an IncomingMessage or a BadRequest with a 4xx.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.messages import (
    KNOWN_METADATA,
    MAX_BODY_BYTES,
    MAX_SENDER_CHARACTERS,
    BadRequest,
    IncomingMessage,
    check_metadata,
    clean_text,
    read_rest_body,
    socket_metadata,
)
from aftercare.timestamps import parse_timestamp
from tests.strategies import ANY_TEXT, JSON_VALUES, METADATA_VALUES, SENDER_IDS

FAST = settings(max_examples=200, deadline=timedelta(seconds=1), database=None)
# Text as JSON can carry it: lone surrogates too ("\ud800" is valid JSON).
TEXT_WITH_SURROGATES = ANY_TEXT | st.text(st.characters(whitelist_categories=("Cs", "Cf", "Mn", "Lo")), max_size=30)


@FAST
@given(TEXT_WITH_SURROGATES)
def test_cleaning_is_idempotent_and_leaves_only_visible_text_and_single_spaces(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned
    categories = {unicodedata.category(character) for character in cleaned.replace(" ", "")}
    assert not categories & {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}


def assert_usable(metadata: dict) -> None:
    assert set(metadata) <= set(KNOWN_METADATA)
    assert all(isinstance(value, str) for value in metadata.values())
    if "procedure_time" in metadata:
        parse_timestamp(metadata["procedure_time"])  # what is kept can be read


@FAST
@given(METADATA_VALUES)
def test_check_metadata_keeps_usable_known_keys_or_raises_bad_request(value: object) -> None:
    try:
        metadata = check_metadata(value)
    except BadRequest as problem:
        assert problem.status == 400 and problem.message
        return
    assert_usable(metadata)


@FAST
@given(METADATA_VALUES | METADATA_VALUES.map(json.dumps) | ANY_TEXT)
def test_socket_metadata_never_raises(value: object) -> None:
    assert_usable(socket_metadata(value))


REST_BODIES = st.one_of(
    st.fixed_dictionaries(
        {}, optional={"sender": SENDER_IDS, "message": ANY_TEXT | JSON_VALUES, "metadata": METADATA_VALUES}
    ).map(lambda body: json.dumps(body).encode()),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    ANY_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.integers(1, 50_000).map(lambda depth: b"[" * depth + b"]" * depth),  # nesting deep enough to recurse
    st.just(b"{" + b" " * MAX_BODY_BYTES + b"}"),
)


@settings(max_examples=200, deadline=timedelta(seconds=2), database=None)
@given(REST_BODIES)
def test_a_rest_body_is_a_message_or_a_bad_request(body: bytes) -> None:
    try:
        incoming = read_rest_body(body)
    except BadRequest as problem:
        assert problem.status in (400, 413) and problem.message
        return
    assert isinstance(incoming, IncomingMessage)
    assert 0 < len(incoming.sender) <= MAX_SENDER_CHARACTERS and incoming.sender.isprintable()
    assert clean_text(incoming.text) == incoming.text
    assert_usable(incoming.metadata)

"""The widget's socketio channel: every message gets an answer and an acknowledgement, nothing is dropped.

Before channels/socketio.py took over Rasa's handlers, with session persistence no bot message reached the
socket at all (enter_room was never awaited), the escalation payload ended the turn with a TypeError, and a
malformed message was dropped with a warning in the server log: silence in the patient's chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.request

import pytest
import socketio

from tests.robustness.conftest import ALLOWED_ORIGIN, CLINIC, is_safe_reply


async def _talk(url: str, payload: object, session_id: str | None, origin: str | None) -> tuple[dict | None, list]:
    client = socketio.AsyncClient(reconnection=False)
    replies: list = []
    confirmed = asyncio.Event()
    client.on("bot_uttered", replies.append)
    client.on("session_confirm", lambda _: confirmed.set())
    headers = {"Origin": origin} if origin else {}
    # python-engineio's websocket transport needs a newer aiohttp than Rasa pins; the widget falls back the same way.
    await asyncio.wait_for(client.connect(url, headers=headers, transports=["polling"]), 15)
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 15)
        try:
            acknowledgement = await client.call("user_uttered", payload, timeout=30)
        except socketio.exceptions.TimeoutError:
            acknowledgement = None
        return acknowledgement, replies
    finally:
        # Without abort, python-engineio's polling client waits for its pending long-poll (seconds).
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.eio.disconnect(abort=True), 5)


def talk(
    servers, payload: object, session_id: str | None = None, origin: str | None = None
) -> tuple[dict | None, list]:
    """Sends one `user_uttered`; the server's acknowledgement (None if none came) and the bot messages before it."""
    return asyncio.run(asyncio.wait_for(_talk(servers.url, payload, session_id, origin), 60))


def said(replies: list) -> str:
    return " ".join(reply.get("text", "") for reply in replies if isinstance(reply, dict))


def test_a_message_gets_the_disclaimer_and_an_answer(servers):
    acknowledgement, replies = talk(servers, {"message": "hi", "session_id": "socket-hi"}, "socket-hi")
    assert acknowledgement == {"status": "answered"}
    assert "automated aftercare assistant, not a clinician" in said(replies)
    assert "Hello!" in said(replies)


def test_a_warning_sign_sends_the_escalation_payload(servers):
    payload = {"message": "there is pus coming out of some spots", "session_id": "socket-pus"}
    acknowledged, replies = talk(servers, payload, "socket-pus", origin=ALLOWED_ORIGIN)
    assert acknowledged
    assert "warning sign" in said(replies)
    assert {"escalation": "injector", "phone": CLINIC.phone} in replies


@pytest.mark.parametrize(
    ("payload", "answer", "reason"),
    [
        ({"message": "", "session_id": "socket-odd"}, "I didn't get a message", "empty"),
        ({"message": None, "session_id": "socket-odd"}, "I didn't get a message", "empty"),
        ({"message": " \u200b ", "session_id": "socket-odd"}, "I didn't get a message", "empty"),
        ({"message": "x" * 5000, "session_id": "socket-odd"}, "Your message is too long", "too_long"),
        ({"message": ["hi"], "session_id": "socket-odd"}, "Sorry, I couldn't read that message", "unreadable"),
        ({"message": "hi"}, "this chat lost track of your conversation", "no_session"),
        ({"message": "hi", "session_id": 42}, "this chat lost track of your conversation", "no_session"),
        ({"message": "hi", "session_id": "a\ud800"}, "this chat lost track of your conversation", "no_session"),
        ("hello", "Sorry, I couldn't read that message", "unreadable"),
        (["hello"], "Sorry, I couldn't read that message", "unreadable"),
    ],
    ids=[
        "empty",
        "null",
        "zero-width",
        "too long",
        "list",
        "no session id",
        "numeric session id",
        "surrogate session id",
        "text",
        "list data",
    ],
)
def test_a_malformed_message_is_refused_in_words_and_in_the_acknowledgement(servers, payload, answer, reason):
    acknowledgement, replies = talk(servers, payload, "socket-odd")
    assert acknowledgement == {"status": "refused", "reason": reason}
    assert answer in said(replies)
    assert CLINIC.phone in said(replies) and CLINIC.emergency_number in said(replies)


@pytest.mark.parametrize(
    "metadata",
    [
        "{not json",
        "[1, 2]",
        [1, 2],
        7,
        {"procedure_time": ["soon"]},
        {"procedure_time": "0001-01-01T00:00:00+05:00"},  # raised OverflowError: no acknowledgement, no reply
        {"procedure_time": "9999-12-31T23:59:59-05:00"},
    ],
)
def test_malformed_metadata_is_ignored_and_the_message_answered(servers, metadata):
    payload = {"message": "is redness normal?", "session_id": "socket-metadata", "metadata": metadata}
    acknowledgement, replies = talk(servers, payload, "socket-metadata")
    assert acknowledgement == {"status": "answered"} and replies
    assert not is_safe_reply(said(replies))


def namespace_connect(servers, origin: str) -> str:
    """Opens an engine.io session by long-polling and asks to join the default namespace: the server's answer.

    Spoken at the protocol level because a refused client hangs in python-socketio's polling transport.
    """
    base = f"{servers.url}/socket.io/?EIO=4&transport=polling"
    headers = {"Origin": origin}

    def request(url: str, data: bytes | None = None) -> str:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as answer:
            return answer.read().decode()

    handshake = request(base)
    assert handshake.startswith("0"), handshake
    session = handshake[1:].split('"sid":"', 1)[1].split('"', 1)[0]
    request(f"{base}&sid={session}", b"40")
    return request(f"{base}&sid={session}")


def test_a_page_from_another_origin_cannot_join(servers):
    assert namespace_connect(servers, ALLOWED_ORIGIN).startswith("40")  # CONNECT
    assert namespace_connect(servers, "https://evil.example").startswith("44")  # CONNECT_ERROR

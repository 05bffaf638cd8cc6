"""The widget's socketio channel: every message gets an answer and an acknowledgement, nothing is dropped.

Before channels/socketio.py took over Rasa's handlers, with session persistence no bot message reached the
socket at all (enter_room was never awaited), the escalation payload ended the turn with a TypeError, and a
malformed message was dropped with a warning in the server log: silence in the patient's chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import re
import urllib.request
from dataclasses import dataclass

import pytest
import socketio

from tests.robustness.conftest import ALLOWED_ORIGIN, CLINIC, is_safe_reply


class Socket:
    """One socket.io client, as the widget speaks: `session_request`, then `user_uttered` messages.

    Every bot message it receives is kept in `heard`, whichever message it answers.
    """

    def __init__(self, url: str, origin: str | None = None) -> None:
        self.url = url
        self.headers = {"Origin": origin} if origin else {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: list = []
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.heard.append)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def __aenter__(self) -> Socket:
        # python-engineio's websocket transport needs a newer aiohttp than Rasa pins; the widget falls back the same.
        await asyncio.wait_for(self.client.connect(self.url, headers=self.headers, transports=["polling"]), 15)
        return self

    async def __aexit__(self, *_: object) -> None:
        # Without abort, python-engineio's polling client waits for its pending long-poll (seconds).
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.eio.disconnect(abort=True), 5)

    async def request_session(self, session_id: object = None) -> str:
        """Asks to resume `session_id` (None: a new conversation); the id the server confirmed."""
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 15)

    async def say(self, payload: object) -> tuple[dict | None, list]:
        """Sends one `user_uttered`: the acknowledgement (None if none came) and the bot messages before it."""
        before = len(self.heard)
        try:
            acknowledgement = await self.client.call("user_uttered", payload, timeout=30)
        except socketio.exceptions.TimeoutError:
            acknowledgement = None
        return acknowledgement, self.heard[before:]


@dataclass
class Exchange:
    session_id: str | None  # what the server confirmed
    acknowledgement: dict | None
    replies: list


def talk(servers, payload: object, resume: object = None, origin: str | None = None, request_session: bool = True):
    """One message on a new connection, after asking to resume `resume` (unless `request_session` is False)."""

    async def exchange() -> Exchange:
        async with Socket(servers.url, origin) as socket:
            session_id = await socket.request_session(resume) if request_session else None
            return Exchange(session_id, *await socket.say(payload))

    return asyncio.run(asyncio.wait_for(exchange(), 60))


def said(replies: list) -> str:
    return " ".join(reply.get("text", "") for reply in replies if isinstance(reply, dict))


def test_a_message_gets_the_disclaimer_and_an_answer(servers):
    exchange = talk(servers, {"message": "hi"})
    assert exchange.acknowledgement == {"status": "answered"}
    assert "automated aftercare assistant, not a clinician" in said(exchange.replies)
    assert "Hello!" in said(exchange.replies)


def test_a_warning_sign_sends_the_escalation_payload(servers):
    exchange = talk(servers, {"message": "there is pus coming out of some spots"}, origin=ALLOWED_ORIGIN)
    assert exchange.acknowledgement == {"status": "answered"}
    assert "warning sign" in said(exchange.replies)
    assert {"escalation": "injector", "phone": CLINIC.phone} in exchange.replies


@pytest.mark.parametrize(
    ("payload", "answer", "reason"),
    [
        ({"message": ""}, "I didn't get a message", "empty"),
        ({"message": None}, "I didn't get a message", "empty"),
        ({"message": " \u200b "}, "I didn't get a message", "empty"),
        ({"message": "x" * 5000}, "Your message is too long", "too_long"),
        ({"message": ["hi"]}, "Sorry, I couldn't read that message", "unreadable"),
        ("hello", "Sorry, I couldn't read that message", "unreadable"),
        (["hello"], "Sorry, I couldn't read that message", "unreadable"),
    ],
    ids=["empty", "null", "zero-width", "too long", "list", "text", "list data"],
)
def test_a_malformed_message_is_refused_in_words_and_in_the_acknowledgement(servers, payload, answer, reason):
    exchange = talk(servers, payload)
    assert exchange.acknowledgement == {"status": "refused", "reason": reason}
    assert answer in said(exchange.replies)
    assert CLINIC.phone in said(exchange.replies) and CLINIC.emergency_number in said(exchange.replies)


def test_a_message_before_any_session_is_refused(servers):
    exchange = talk(servers, {"message": "hi", "session_id": "socket-no-session"}, request_session=False)
    assert exchange.acknowledgement == {"status": "refused", "reason": "no_session"}
    assert "this chat lost track of your conversation" in said(exchange.replies)
    assert servers.user_texts("socket-no-session") == []


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
    exchange = talk(servers, {"message": "is redness normal?", "metadata": metadata})
    assert exchange.acknowledgement == {"status": "answered"} and exchange.replies
    assert not is_safe_reply(said(exchange.replies))


SIGNED_ID = re.compile(r"[0-9a-f]{32}\.[0-9a-f]{64}")


def forgeries(session_id: str) -> dict[str, object]:
    """Ids an attacker might try for someone else's conversation `session_id`."""
    nonce, signature = session_id.split(".")
    other_secret = hmac.new(b"another server's secret, 32 chars", nonce.encode(), hashlib.sha256).hexdigest()
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    return {
        "one character changed": f"{nonce}.{flipped}",
        "signed with another secret": f"{nonce}.{other_secret}",
        "the random part only": nonce,
        "a guessed name": "socket-hi",
        "upper case": session_id.upper(),
        "not text": [session_id],
    }


def test_a_forged_or_guessed_id_starts_a_new_conversation_and_reads_nothing_of_the_other(servers):
    async def scenario() -> None:
        async with Socket(servers.url) as patient:
            victim_id = await patient.request_session()
            assert SIGNED_ID.fullmatch(victim_id), victim_id
            await patient.say({"message": "I had my treatment 3 days ago"})
            for name, forged in forgeries(victim_id).items():
                async with Socket(servers.url) as attacker:
                    given = await attacker.request_session(forged)
                    assert given != victim_id and SIGNED_ID.fullmatch(given), name
                    # The patient goes on talking while the attacker listens, then the attacker names the
                    # patient's id in a message: it is filed in the attacker's own new conversation.
                    _, answer = await patient.say({"message": "there is pus coming out of some spots"})
                    assert "warning sign" in said(answer), name
                    acknowledgement, replies = await attacker.say({"message": "hi", "session_id": victim_id})
                    assert acknowledgement == {"status": "answered"}, name
                    assert "automated aftercare assistant" in said(replies), f"{name}: not a new conversation"
                    assert not [reply for reply in attacker.heard if reply in answer], f"{name}: read the patient's"
                    assert servers.user_texts(given) == ["hi"], name
            assert "hi" not in servers.user_texts(victim_id)

    asyncio.run(asyncio.wait_for(scenario(), 180))


def test_the_id_the_server_gave_resumes_the_conversation_on_a_new_connection(servers):
    first = talk(servers, {"message": "I had my treatment 3 days ago"})
    assert SIGNED_ID.fullmatch(first.session_id)
    resumed = talk(servers, {"message": "can I wear make-up?"}, resume=first.session_id)
    assert resumed.session_id == first.session_id
    assert "Yes, you can wear make-up" in said(resumed.replies), "the procedure time was remembered"
    assert "automated aftercare assistant" not in said(resumed.replies), "no new conversation"
    assert servers.user_texts(first.session_id) == ["I had my treatment 3 days ago", "can I wear make-up?"]


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

"""A bounded fuzz of the live channels: 1,000 generated messages over REST and socket.io, every one answered.

Seeded random input (FUZZ_SEED picks another run; the seed is printed): text of any unicode, slash commands
Rasa parses as intents (`/@`, `/{`, `/greet{"a":`), JSON-ish payloads, metadata of any type and size, odd
sender and session ids. REST must answer with a 2xx list of bot messages or a 4xx JSON message; socket.io must
acknowledge every message (answered or refused) after at least one bot message; neither may ever answer with
a 5xx or the safe reply of a failed turn. About half the messages reach the model; the others are refused
(a 4xx, or in words). Afterwards the assistant still answers a normal question normally.
Before the calendar-edge fix one metadata value (`0001-01-01T00:00:00+05:00`) was enough for a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import socketio

from aftercare.messages import MAX_BODY_BYTES
from tests.robustness.conftest import is_safe_reply, texts
from tests.robustness.test_bad_input import assert_well_formed
from tests.strategies import ODD_PIECES, PIECES

REST_MESSAGES = 600
SOCKET_MESSAGES = 400
SOCKETS = 8  # in parallel: long-polling spends most of its time waiting
REST_WORKERS = 4
SEED = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(1_000_000))
TIMEZONES = ["Europe/London", "America/New_York", "Pacific/Kiritimati", "Mars/Olympus", "", "../../etc/passwd", "UTC"]
TIMESTAMPS = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-11-28T17:00:00Z", "2026-13-45T99:00Z"]


class Inputs:
    """Generates the fuzz's messages from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def character(self) -> str:
        code = self.random.choice(
            [self.random.randrange(0x80), self.random.randrange(0x3000), self.random.randrange(0x110000)]
        )
        return " " if 0xD800 <= code <= 0xDFFF else chr(code)  # text read from UTF-8 holds no lone surrogates

    def text(self) -> str:
        kind = self.random.randrange(7)
        if kind == 0:
            return "".join(self.character() for _ in range(self.random.randrange(60)))
        if kind == 1:
            return (
                "/"
                + self.random.choice(["", "@", "{", "}", "greet", "ask_makeup", "inform", "report_pus"])
                + (
                    self.random.choice(["", "{", '{"', '{"a": ', "{}", '{"procedure_time": "x"}', "[[[", "@x"])
                    + self.random.choice(["", json.dumps(self.json(2))])
                )
            )
        if kind == 2:
            return json.dumps(self.json(3))
        if kind == 3:
            return self.random.choice(PIECES + ODD_PIECES) * self.random.randrange(1, 1200)  # up to far too long
        pieces = PIECES + ODD_PIECES + ["can I wear make-up?", "is redness normal?", "hi", "thanks"]
        return "".join(self.random.choice(pieces) for _ in range(self.random.randrange(1, 8)))

    def json(self, depth: int) -> object:
        kind = self.random.randrange(9 if depth > 0 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return self.random.choice([True, False])
        if kind == 2:
            return self.random.choice([0, -1, 2**63, 10**40, self.random.randrange(-(10**9), 10**9)])
        if kind == 3:
            return self.random.choice([0.5, -0.0, 1e308, float("inf"), float("-inf"), float("nan")])
        if kind in (4, 5):
            return self.random.choice([self.text(), self.random.choice(TIMESTAMPS), self.random.choice(TIMEZONES)])
        if kind in (6, 7):
            return [self.json(depth - 1) for _ in range(self.random.randrange(4))]
        return {self.text()[:20]: self.json(depth - 1) for _ in range(self.random.randrange(4))}

    def metadata(self) -> object:
        kind = self.random.randrange(8)
        if kind < 2:
            return {"procedure_time": self.random.choice(TIMESTAMPS), "timezone": self.random.choice(TIMEZONES)}
        if kind < 4:
            moment = datetime(1, 1, 1) + timedelta(seconds=self.random.randrange(315_537_897_599))
            offset = f"{self.random.choice('+-')}{self.random.randrange(24):02d}:{self.random.randrange(60):02d}"
            return {"procedure_time": moment.isoformat() + offset, "timezone": self.json(0)}
        if kind < 6:
            return {"procedure_time": self.json(2), "timezone": self.json(1), self.text()[:10]: self.json(2)}
        if kind == 6:
            return json.dumps(self.json(3))  # metadata as JSON text, or something that is not an object
        return self.json(3)

    def sender(self, number: int) -> object:
        kind = self.random.randrange(12)
        if kind == 0:
            return self.text()
        if kind == 1:
            return self.json(1)
        if kind == 2:
            return "x" * self.random.choice([128, 129, 5000])
        return f"fuzz-{number % 50}"  # most messages continue one of a few conversations

    def rest_body(self, number: int) -> bytes:
        if number % 100 == 99:  # over the body limit: refused before anything is parsed
            return b'{"sender": "fuzz-big", "message": "' + b"a" * MAX_BODY_BYTES + b'"}'
        if self.random.randrange(10) == 0:
            return self.random.choice([json.dumps(self.json(3)).encode(), self.text().encode(), b"[" * 20_000])
        fields = {"sender": self.sender(number), "message": self.text(), "metadata": self.metadata()}
        for name in list(fields):
            if self.random.randrange(12) == 0:
                fields[name] = self.json(2) if self.random.randrange(2) else fields.pop(name)
        return json.dumps(fields).encode()

    def socket_data(self, session_id: str) -> object:
        if self.random.randrange(12) == 0:
            return self.json(2)
        data = {"message": self.text(), "session_id": session_id, "metadata": self.metadata()}
        if self.random.randrange(10) == 0:
            data["message"] = self.json(2)
        if self.random.randrange(10) == 0:
            data["session_id"] = self.sender(0)
        return data


def progress(capsys, text: str, lead: str = "") -> None:
    with capsys.disabled():
        print(f"{lead}   fuzz: {text}", file=sys.stderr, flush=True)


def test_1000_generated_messages_over_rest_and_socketio_are_all_answered(servers, capsys):
    inputs = Inputs(SEED)
    progress(capsys, f"seed {SEED} (FUZZ_SEED={SEED} repeats this run)", lead="\n")
    started = time.monotonic()
    bodies = [inputs.rest_body(number) for number in range(REST_MESSAGES)]
    socket_batches = [[inputs.socket_data("") for _ in range(SOCKET_MESSAGES // SOCKETS)] for _ in range(SOCKETS)]
    session_requests = [inputs.json(1) if number % 2 else None for number in range(SOCKETS)]

    def post(number: int) -> None:
        status, answer = servers.post(bodies[number], timeout=60)
        try:
            assert_well_formed(status, answer)
        except AssertionError as failure:
            raise AssertionError(f"REST message {number} of seed {SEED}: {bodies[number][:300]!r}") from failure
        if number % 100 == 0:
            progress(capsys, f"REST {number}/{REST_MESSAGES} ({time.monotonic() - started:.0f} s)")

    with ThreadPoolExecutor(REST_WORKERS) as pool:
        list(pool.map(post, range(REST_MESSAGES)))
    progress(capsys, f"REST {REST_MESSAGES}/{REST_MESSAGES} answered ({time.monotonic() - started:.0f} s)")

    def acknowledged(count: int) -> None:
        if count % 100 == 0 and count < SOCKET_MESSAGES:
            progress(capsys, f"socket.io {count}/{SOCKET_MESSAGES} ({time.monotonic() - started:.0f} s)")

    talks = _talk_in_parallel(servers.url, session_requests, socket_batches, acknowledged)
    answered = asyncio.run(asyncio.wait_for(talks, 240))
    progress(capsys, f"socket.io {answered}/{SOCKET_MESSAGES} acknowledged ({time.monotonic() - started:.0f} s)")
    assert answered == SOCKET_MESSAGES

    # The fuzz broke nothing for the next patient.
    three_hours_ago = (datetime.now(timezone.utc) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    replies = servers.send("fuzz-after", "can I wear make-up?", {"procedure_time": three_hours_ago})
    assert "Not yet" in texts(replies) and not is_safe_reply(texts(replies)), replies


async def _talk_in_parallel(
    url: str, session_requests: list, batches: list[list], on_acknowledged: Callable[[int], None]
) -> int:
    total = [0]

    def count() -> None:
        total[0] += 1
        on_acknowledged(total[0])

    await asyncio.gather(
        *(_talk(url, request, batch, count) for request, batch in zip(session_requests, batches, strict=True))
    )
    return total[0]


async def _talk(url: str, session_request: object, batch: list, on_acknowledged: Callable[[], None]) -> None:
    """Sends a batch over one connection, each message after the last one's acknowledgement."""
    client = socketio.AsyncClient(reconnection=False)
    replies: list = []
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client.on("bot_uttered", replies.append)
    client.on("session_confirm", lambda session_id: confirmed.done() or confirmed.set_result(session_id))
    await asyncio.wait_for(client.connect(url, transports=["polling"]), 15)
    try:
        await client.emit("session_request", {"session_id": session_request})
        session_id = await asyncio.wait_for(confirmed, 15)
        for number, data in enumerate(batch):
            if isinstance(data, dict) and data.get("session_id") == "":
                data["session_id"] = session_id
            replies.clear()
            acknowledgement = await client.call("user_uttered", data, timeout=60)
            where = f"socket.io message {number} of seed {SEED}: {str(data)[:300]!r}"
            assert isinstance(acknowledgement, dict), where
            assert acknowledgement.get("status") in ("answered", "refused"), (where, acknowledgement)
            assert replies, f"no bot message before the acknowledgement, {where}"
            assert not any(is_safe_reply(texts([reply])) for reply in replies if isinstance(reply, dict)), where
            on_acknowledged()
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.eio.disconnect(abort=True), 5)

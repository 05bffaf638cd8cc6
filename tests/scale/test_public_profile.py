"""What the public nginx profile exposes (deploy/nginx/aftercare.conf.template), through real nginx and replicas.

Before it: anyone could post into any conversation over REST and read the reply, every response named the
replica that answered and nginx's version, one address could open connections and conversations without limit,
a body over 64 kB was refused although the channel accepts 1 MiB, and the Redis password was on a command line.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from pathlib import Path

from aftercare.messages import MAX_BODY_BYTES
from tests.scale.conftest import (
    ACTION_SERVERS,
    DEPLOY,
    PORTS,
    REPLICAS,
    Reply,
    ScaleStack,
    client_address,
    polling_client,
)

TEMPLATE = (DEPLOY / "nginx" / "aftercare.conf.template").read_text()
RATE_PER_SECOND = int(re.search(r"zone=aftercare_requests:\S+ rate=(\d+)r/s", TEMPLATE).group(1))
BURST = int(re.search(r"limit_req zone=aftercare_requests burst=(\d+)", TEMPLATE).group(1))
CONNECTIONS = int(re.search(r"limit_conn aftercare_connections (\d+);", TEMPLATE).group(1))
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
WRONG_TOKEN = {"Authorization": "Bearer not-the-token-but-long-enough"}
INTERNAL_ADDRESSES = [f"127.0.0.1:{PORTS[name]}" for name in (*REPLICAS, *ACTION_SERVERS)]


def assert_names_nothing_internal(reply: Reply) -> None:
    """No nginx version, no header naming a replica or upstream, no internal address in any header."""
    assert reply.status, reply.body
    assert reply.headers.get("Server", "nginx") == "nginx", reply.headers
    for name, value in reply.headers.items():
        assert not re.search("replica|upstream|aftercare", name, re.IGNORECASE), (name, value)
        assert not any(address in value for address in INTERNAL_ADDRESSES), (name, value)


def test_no_response_names_nginx_s_version_or_a_replica(stack: ScaleStack):
    replies = {
        "REST with the token": stack.send("nginx", "scale-headers", "is some redness normal?"),
        "REST without the token": stack.send("nginx", "scale-headers", "hi", with_token=False),
        "socket.io handshake": stack.request("nginx", HANDSHAKE, sender="scale-headers"),
        "unknown path": stack.request("nginx", "/nope", sender="scale-headers"),
    }
    assert replies["REST with the token"].answered and replies["socket.io handshake"].status == 200
    for what, reply in replies.items():
        print(f"\n   {what}: {reply.status} {reply.headers}")
        assert_names_nothing_internal(reply)


def test_rest_through_nginx_without_the_token_is_refused_and_reaches_no_conversation(stack: ScaleStack):
    sender = "scale-rest-intruder"
    refused_by_nginx = stack.send("nginx", sender, "I had my treatment 2 days ago", with_token=False)
    refused_by_replica = stack.send("nginx", sender, "I had my treatment 2 days ago", headers=WRONG_TOKEN)
    health = stack.request("nginx", "/webhooks/rest/", with_token=False, sender=sender)

    for reply in (refused_by_nginx, refused_by_replica, health):
        assert reply.status == 401, (reply.status, reply.body)
        assert reply.body["status"] == 401 and "REST_WEBHOOK_TOKEN" in reply.body["message"], reply.body
    assert refused_by_nginx.replica is None  # a request without a token never reaches a replica
    assert refused_by_replica.replica in REPLICAS  # a wrong one does, and the replica refuses it
    assert stack.events(sender) == []  # nothing was posted into the conversation, nothing read from it

    # The replicas check it themselves too, for a caller inside the network.
    assert stack.send("replica-1", sender, "hi", with_token=False).status == 401
    assert stack.send("nginx", sender, "hi").answered  # the clinic's server, with the token


def test_rasa_s_own_pages_are_not_public(stack: ScaleStack):
    for path in ("/", "/version", "/status", "/webhooks/socketio/"):
        reply = stack.request("nginx", path, with_token=False, sender="scale-pages")
        assert reply.status == 404 and reply.replica is None, (path, reply.status, reply.body)
        assert "Rasa" not in json.dumps(reply.body), reply.body
    assert stack.request("replica-1", "/", with_token=False).status == 200  # the replica answers it; nginx does not


def test_a_body_up_to_the_channel_s_limit_passes_and_a_larger_one_is_refused_by_nginx(stack: ScaleStack):
    def body_of(size: int) -> bytes:
        start, end = b'{"sender": "scale-size", "message": "', b'"}'
        return start + b"x" * (size - len(start) - len(end)) + end

    largest = stack.request("nginx", body=body_of(MAX_BODY_BYTES), sender="scale-size")
    too_large = stack.request("nginx", body=body_of(MAX_BODY_BYTES + 1), sender="scale-size")

    assert largest.status == 200 and largest.replica in REPLICAS  # the channel answers: "too long to read"
    assert "too long" in largest.body[0]["text"], largest.body
    assert too_large.status == 413 and too_large.replica is None, (too_large.status, too_large.body)
    assert too_large.body["message"] == f"The request body is larger than {MAX_BODY_BYTES // 1024} kB"


def test_a_burst_from_one_address_gets_429_while_a_patient_s_widget_is_unaffected(stack: ScaleStack):
    flood: list[Reply] = []
    flood_time: list[float] = []

    def flooder() -> None:
        # New socket.io sessions from one address as fast as it can: the way to create conversations in bulk.
        started = time.monotonic()
        flood.extend(stack.request("nginx", HANDSHAKE, sender="scale-flooder") for _ in range(3 * BURST))
        flood_time.append(time.monotonic() - started)

    patient = "scale-widget-during-flood"

    async def widget() -> list[dict]:
        async with polling_client(client_address(patient)) as client:
            answers: asyncio.Queue = asyncio.Queue()
            client.on("bot_uttered", answers.put_nowait)
            await client.emit("session_request", {"session_id": patient})
            flooding = threading.Thread(target=flooder)
            flooding.start()
            received = []
            for text in ("I had my treatment 2 days ago", "can I wear make-up?", "is some redness normal?"):
                await client.emit("user_uttered", {"message": text, "session_id": patient, "metadata": {}})
                received.append(await asyncio.wait_for(answers.get(), timeout=30))
                await asyncio.sleep(0.5)  # the rest of this turn's messages, before the next question
                while not answers.empty():
                    answers.get_nowait()
            await asyncio.to_thread(flooding.join, 60)
            return received

    answers = asyncio.run(widget())

    statuses = [reply.status for reply in flood]
    passed = statuses.count(200)
    print(f"\n   flood: {passed} of {len(flood)} handshakes passed in {flood_time[0]:.2f} s, the rest got 429")
    assert set(statuses) == {200, 429}, statuses
    assert BURST <= passed <= BURST + 1 + RATE_PER_SECOND * flood_time[0] + 1, (passed, flood_time)
    refused = next(reply for reply in flood if reply.status == 429)
    assert refused.replica is None and refused.body["status"] == 429, refused.body
    assert len(answers) == 3 and all(answer.get("text") for answer in answers), answers
    patient_statuses = nginx_statuses(stack, client_address(patient))
    assert patient_statuses and 429 not in patient_statuses, patient_statuses


def nginx_statuses(stack: ScaleStack, address: str) -> list[int]:
    """The statuses nginx answered requests from `address` with, from its access log."""
    lines = [line.split() for line in (stack.logs / "nginx-access.log").read_text().splitlines()]
    return [int(fields[-2]) for fields in lines if fields[2] == address]


def test_connections_above_the_limit_from_one_address_get_429(stack: ScaleStack):
    address = client_address("scale-connections")
    stalled = (
        f"POST {HANDSHAKE} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {address}\r\n"
        "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    held = []
    try:
        # Each holds a request open (its body never arrives), as a slow client would.
        for _ in range(CONNECTIONS):
            connection = socket.create_connection(("127.0.0.1", PORTS["nginx"]), timeout=10)
            connection.sendall(stalled)
            held.append(connection)
        time.sleep(0.5)
        over = stack.request("nginx", HANDSHAKE, headers={"X-Forwarded-For": address})
        other_address = stack.request("nginx", HANDSHAKE, sender="scale-connections-neighbour")
    finally:
        for connection in held:
            connection.close()
    assert over.status == 429, (over.status, over.body)
    assert other_address.status == 200
    deadline = time.monotonic() + 10
    while stack.request("nginx", HANDSHAKE, headers={"X-Forwarded-For": address}).status != 200:
        assert time.monotonic() < deadline, "the address stayed refused after its connections closed"
        time.sleep(0.2)


def test_no_secret_is_on_a_command_line_or_in_a_server_s_environment(stack: ScaleStack):
    checked = 0
    for pid in stack.seen:
        for what in ("cmdline", "environ"):
            try:
                content = Path(f"/proc/{pid}/{what}").read_bytes().decode(errors="replace")
            except OSError:
                continue  # gone
            checked += 1
            for name, value in stack.secret_files.items():
                assert value not in content, f"{name} in /proc/{pid}/{what}: {content.split(chr(0))[:3]}"
    assert checked >= 2 * (len(REPLICAS) + len(ACTION_SERVERS) + 3)  # + PostgreSQL, Redis, nginx

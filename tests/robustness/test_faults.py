"""Faults: the action server down or hung, the Rasa server restarted, one patient sending several messages at once.

These stop, hang and restart servers, so they run against a pair of their own. Before rasa_patches/action_guard.py,
an action server that was down meant silence in the patient's chat (even for an emergency), a hung one kept
the patient waiting up to five minutes per action, and a conversation that started during an outage stayed
silent for good: Rasa logged no session start, so every later turn tripped its circuit breaker.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts.servers import MODEL, Servers
from tests.robustness.conftest import CLINIC, PORT_OFFSET, is_safe_reply, texts
from tests.robustness.test_socketio import said, talk

RASA_PORT = 5308 + PORT_OFFSET
ACTION_PORT = 5358 + PORT_OFFSET
ACTION_TIMEOUT = 2.0
API_TOKEN = "robustness-api-token-0123456789"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Servers(
        tmp_path_factory.mktemp("faults"), RASA_PORT, ACTION_PORT, ACTION_TIMEOUT_SECONDS=str(ACTION_TIMEOUT)
    )
    try:
        running.start_both()
        yield running
    finally:
        running.stop_both()


class SilentServer:
    """Accepts connections on the action server's port and never answers: a hung action server."""

    def __init__(self, port: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", port))
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def timed_send(servers: Servers, sender: str, message: str) -> tuple[list[dict], float]:
    started = time.monotonic()
    replies = servers.send(sender, message)
    return replies, time.monotonic() - started


def test_with_the_action_server_down_every_patient_gets_the_safe_reply_then_normal_answers(servers):
    servers.stop(servers.actions)
    try:
        for sender, message in [
            ("outage-new", "my lips are swelling and I'm wheezing"),
            ("outage-new", "can I wear make-up?"),
            ("outage-other", "is redness normal?"),
        ]:
            replies, seconds = timed_send(servers, sender, message)
            assert is_safe_reply(texts(replies)), replies
            assert seconds < ACTION_TIMEOUT + 3
        exchange = talk(servers, {"message": "hi"})
        assert exchange.acknowledgement and is_safe_reply(said(exchange.replies))
    finally:
        servers.start_actions()

    # The conversation that began during the outage works again: no silence from a tripped circuit breaker.
    replies = servers.send("outage-new", "I had my treatment 3 days ago, can I wear make-up?")
    assert replies and not is_safe_reply(texts(replies))
    replies = servers.send("outage-new", "there is pus coming out of some spots")
    assert "warning sign" in texts(replies)
    assert servers.slot_values("outage-new", "escalation") == ["injector"]


def test_a_hung_action_server_holds_a_patient_for_the_timeout_only(servers):
    servers.stop(servers.actions)
    silent = SilentServer(ACTION_PORT)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(
                    lambda sender: timed_send(servers, sender, "my cheek is hot and the redness is spreading"),
                    ["hung-1", "hung-2"],
                )
            )
        for replies, seconds in answers:
            assert is_safe_reply(texts(replies)), replies
            # One timeout per turn: the turn's later custom actions (three in all here) do not wait again.
            assert seconds < ACTION_TIMEOUT + 2.5, seconds
    finally:
        silent.close()
        servers.start_actions()
    replies = servers.send("hung-1", "when can I exercise again?")
    assert replies and not is_safe_reply(texts(replies))


def test_a_restart_keeps_the_procedure_time_and_the_escalation(servers):
    servers.send("restart-patient", "I had my treatment 3 days ago")
    replies = servers.send("restart-patient", "there is yellow crust on my cheek")
    assert "warning sign" in texts(replies)

    # Restarted with the HTTP API on, which then needs the token.
    servers.restart_rasa(RASA_ENABLE_API="1", RASA_AUTH_TOKEN=API_TOKEN)

    replies = servers.send("restart-patient", "can I wear make-up?")
    assert not any(reply.get("buttons") for reply in replies), "the procedure time was forgotten"
    assert "Yes, you can wear make-up" in texts(replies)
    tracker_url = f"{servers.url}/conversations/restart-patient/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tracker_url, timeout=10)
    assert refused.value.code == 401
    with urllib.request.urlopen(f"{tracker_url}?token={API_TOKEN}", timeout=10) as answer:
        slots = json.loads(answer.read())["slots"]
    assert slots["escalation"] == "injector" and slots["procedure_time"]

    replies = servers.send("restart-patient", "my lips are swelling and I'm wheezing")
    assert replies[0]["text"].startswith(f"Call {CLINIC.emergency_number} now")
    assert servers.slot_values("restart-patient", "escalation") == ["injector", "emergency"]


def test_several_messages_at_once_from_one_patient_are_all_answered_in_order(servers):
    messages = ["hi", "can I wear make-up?", "3 days ago", "is redness normal?", "can I exercise?", "thanks"]

    def send(index: int) -> list[dict]:
        time.sleep(index * 0.05)  # the order they leave the phone in
        return servers.send("burst-patient", messages[index])

    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        answers = list(pool.map(send, range(len(messages))))
    assert all(replies and not is_safe_reply(texts(replies)) for replies in answers)
    assert servers.user_texts("burst-patient") == messages

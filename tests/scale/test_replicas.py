"""Two Rasa replicas sharing PostgreSQL (tracker store) and Redis (lock store), behind nginx.

What the lock store of deploy/endpoints.yml (Rasa's ticket lock, with atomic ticket changes) guarantees, and so
what is asserted here: a conversation's messages are handled one at a time, whichever replica receives them, in
the order their tickets were issued, i.e. the order in which the messages reached a replica. It cannot know the
order a client sent them in: two messages sent at the same moment to two replicas may be handled either way
round. So the tests check the send order only where each message held its ticket before the next one was sent,
and check, for messages sent all at once, that each is answered once, stored once and never interleaved with
another turn.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.scale.conftest import (
    ACTION_SERVERS,
    PORTS,
    REPLICAS,
    TICKET_LOCK_LIFETIME,
    Reply,
    ScaleStack,
    polling_client,
    port_is_open,
)

CARE_QUESTIONS = [
    "can I wear make-up?",
    "when can I exercise again?",
    "is it ok to put on sunscreen?",
    "can I use retinol yet?",
    "is some redness normal?",
    "can I go to the sauna?",
    "when can I wash my face?",
    "is the itching normal?",
]


def turns(events: list[dict]) -> list[dict]:
    """The stored conversation split into turns: each user message with the bot texts and actions after it."""
    found: list[dict] = []
    for event in events:
        if event["event"] == "user":
            found.append({"text": event["text"], "bot": [], "actions": []})
        elif found and event["event"] == "bot":
            found[-1]["bot"].append(event.get("text"))
        elif found and event["event"] == "action":
            found[-1]["actions"].append(event["name"])
    return found


def assert_turns_not_interleaved(stored: list[dict]) -> None:
    """Every turn runs to its own `action_listen` before the next user message is taken."""
    for turn in stored:
        assert turn["actions"] and turn["actions"][-1] == "action_listen", turn
        assert turn["actions"].count("action_listen") == 1, turn


def test_two_replicas_issuing_tickets_at_once_never_share_a_number(stack: ScaleStack):
    """The lock store of deploy/endpoints.yml; Rasa's own RedisLockStore duplicates about half of them here."""
    from deploy.redis_lock_store import AtomicRedisLockStore

    replicas = [
        AtomicRedisLockStore(host="127.0.0.1", port=PORTS["redis"], password=stack.redis_password, db=3)
        for _ in range(2)
    ]
    issued: list[int] = []

    def replica(store: AtomicRedisLockStore) -> None:
        issued.extend(store.issue_ticket("scale-tickets") for _ in range(200))

    threads = [threading.Thread(target=replica, args=(store,)) for store in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(issued) == list(range(400))
    assert len(replicas[0].get_lock("scale-tickets").tickets) == 400


def test_a_conversation_alternating_replicas_keeps_its_procedure_time_and_history(stack: ScaleStack):
    sender = "scale-alternating"
    first = stack.send("replica-1", sender, "I had my treatment 3 days ago")
    second = stack.send("replica-2", sender, "can I wear make-up?")
    third = stack.send("replica-1", sender, "when can I exercise again?")

    assert first.answered and second.answered and third.answered
    # Replica 2 knew the time replica 1 stored: it answers instead of asking when the treatment was.
    assert not any(message.get("buttons") for message in second.body)
    assert "Yes, you can wear make-up" in " ".join(second.texts)
    assert not any(message.get("buttons") for message in third.body)
    assert stack.user_messages(sender) == [
        "I had my treatment 3 days ago",
        "can I wear make-up?",
        "when can I exercise again?",
    ]
    assert len(stack.slot_values(sender, "procedure_time")) == 1


def test_through_nginx_a_conversation_is_served_by_both_replicas_and_keeps_its_history(stack: ScaleStack):
    sender = "scale-nginx"
    messages = ["can I wear make-up?", "2 days ago", "is some redness normal?", "is it ok to put on sunscreen?"]
    replies = [stack.send("nginx", sender, message) for message in messages]

    assert all(reply.answered for reply in replies), [(reply.status, reply.body) for reply in replies]
    assert {reply.replica for reply in replies} == set(REPLICAS)  # round robin alternates the replicas
    # The question asked before the time was given is answered once the other replica hears the time.
    assert "make-up" in " ".join(replies[1].texts)
    assert not any(message.get("buttons") for reply in replies[1:] for message in reply.body)
    assert stack.user_messages(sender) == messages
    assert_turns_not_interleaved(turns(stack.events(sender)))


def test_messages_sent_at_once_to_both_replicas_are_each_answered_stored_once_and_never_interleaved(
    stack: ScaleStack,
):
    sender = "scale-burst"
    assert stack.send("replica-1", sender, "I had it done yesterday").answered
    start = threading.Barrier(len(CARE_QUESTIONS))

    def send(index: int) -> Reply:
        start.wait(timeout=30)
        return stack.send(REPLICAS[index % 2], sender, CARE_QUESTIONS[index], timeout=90)

    with ThreadPoolExecutor(len(CARE_QUESTIONS)) as pool:
        replies = list(pool.map(send, range(len(CARE_QUESTIONS))))

    assert all(reply.answered for reply in replies), [(reply.status, reply.body) for reply in replies]
    stored = turns(stack.events(sender))
    assert sorted(turn["text"] for turn in stored[1:]) == sorted(CARE_QUESTIONS)  # each exactly once
    assert_turns_not_interleaved(stored)
    # Each patient got the answer to their own message: the HTTP reply is what the store holds for that turn.
    stored_answers = {turn["text"]: turn["bot"] for turn in stored}
    for question, reply in zip(CARE_QUESTIONS, replies, strict=True):
        assert reply.texts == [text for text in stored_answers[question] if text], question


def test_a_message_that_holds_its_ticket_is_answered_before_any_later_one_on_either_replica(stack: ScaleStack):
    sender = "scale-order"
    assert stack.send("replica-2", sender, "I had my treatment 4 days ago").answered
    replies: list[Reply | None] = [None] * len(CARE_QUESTIONS)
    threads: list[threading.Thread] = []
    most_waiting = 0

    def send(index: int) -> None:
        replies[index] = stack.send(REPLICAS[index % 2], sender, CARE_QUESTIONS[index], timeout=90)

    for index in range(len(CARE_QUESTIONS)):
        thread = threading.Thread(target=send, args=(index,))
        thread.start()
        threads.append(thread)
        # Send the next message only once every message in flight holds a ticket in Redis.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            in_flight = sum(1 for reply in replies[: index + 1] if reply is None)
            tickets = stack.lock_tickets(sender)
            most_waiting = max(most_waiting, tickets)
            if tickets >= in_flight:
                break
            time.sleep(0.005)
        else:
            pytest.fail(f"message {index} got no ticket within 20 s")
    for thread in threads:
        thread.join(timeout=120)

    assert all(reply is not None and reply.answered for reply in replies)
    print(f"\n   up to {most_waiting} messages held tickets at once", file=sys.stderr)
    assert most_waiting >= 2, "no message ever waited for another: the test proved nothing about the order"
    assert stack.user_messages(sender)[1:] == CARE_QUESTIONS  # the send order, across both replicas
    assert_turns_not_interleaved(turns(stack.events(sender)))


def test_socketio_through_nginx_keeps_a_long_polling_session_on_one_replica_and_gets_the_reply(stack: ScaleStack):
    import asyncio

    async def talk() -> tuple[str, dict]:
        # Long-polling: every poll is a new HTTP request, and the session exists in one replica only, so this
        # works only if nginx keeps sending this client to the same replica (ip_hash).
        async with polling_client() as client:
            loop = asyncio.get_running_loop()
            answered: asyncio.Future = loop.create_future()
            confirmed: asyncio.Future = loop.create_future()
            client.on("bot_uttered", lambda data: answered.done() or answered.set_result(data))
            client.on("session_confirm", lambda session_id: confirmed.done() or confirmed.set_result(session_id))
            await client.emit("session_request", {"session_id": None})
            session_id = await asyncio.wait_for(confirmed, timeout=30)  # issued and signed by the replica
            await client.emit("user_uttered", {"message": "hi", "session_id": session_id, "metadata": {}})
            return session_id, await asyncio.wait_for(answered, timeout=30)

    session_id, first = asyncio.run(talk())
    assert "automated aftercare assistant" in first.get("text", "")
    assert stack.user_messages(session_id) == ["hi"]


def test_nginx_passes_the_websocket_upgrade_to_socketio(stack: ScaleStack):
    import base64
    import os
    import socket

    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{PORTS['nginx']}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", PORTS["nginx"]), timeout=10) as connection:
        connection.sendall(request.encode())
        status_line = connection.recv(1024).split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 101 Switching Protocols"


def test_killing_a_replica_mid_load_loses_no_stored_turn_and_the_other_keeps_answering(stack: ScaleStack):
    patients = [f"scale-load-{number}" for number in range(6)]
    sent: dict[str, list[tuple[str, Reply, float, float]]] = {patient: [] for patient in patients}
    answered_count = 0
    counter_lock = threading.Lock()

    def patient(sender: str) -> None:
        nonlocal answered_count
        stack.send("nginx", sender, "I had my treatment 2 days ago")
        for question in CARE_QUESTIONS:
            sent_at = time.monotonic()
            reply = stack.send("nginx", sender, question, timeout=90)
            sent[sender].append((question, reply, sent_at, time.monotonic()))
            with counter_lock:
                answered_count += reply.answered

    workers = [threading.Thread(target=patient, args=(sender,)) for sender in patients]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 120
    while answered_count < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    killed_at, gone_at = stack.kill("replica-1")  # a message sent after gone_at can only reach replica-2
    for worker in workers:
        worker.join(timeout=180)
    assert not any(worker.is_alive() for worker in workers), "patients still waiting after 3 minutes"

    failed = {  # with when it was sent and answered, in seconds from the kill
        (sender, question): (reply.status, round(start - killed_at, 3), round(end - killed_at, 3))
        for sender in patients
        for question, reply, start, end in sent[sender]
        if not reply.answered
    }
    in_flight_at_kill = {
        (sender, question)
        for sender in patients
        for question, _, start, end in sent[sender]
        if start <= gone_at and end >= killed_at
    }
    waits_after = {sender: [end - start for _, _, start, end in sent[sender] if start > gone_at] for sender in patients}
    print(
        f"\n   killed replica-1 with {len(in_flight_at_kill)} messages in flight; no answer: {failed}; "
        f"slowest answer after the kill {max(max(waits, default=0) for waits in waits_after.values()):.1f} s",
        file=sys.stderr,
    )
    # Only a message in flight on the killed replica may go unanswered (nginx never resends a POST that reached
    # it); every later one is answered by the other replica, at worst once the dead replica's ticket expired.
    assert set(failed) <= in_flight_at_kill, failed
    for sender in patients:
        after = [reply for _, reply, start, _ in sent[sender] if start > gone_at]
        assert all(reply.answered and reply.replica == "replica-2" for reply in after), sender
        assert max(waits_after[sender], default=0) < TICKET_LOCK_LIFETIME + 15, (sender, waits_after[sender])
        stored = stack.user_messages(sender)
        answered = [question for question, reply, *_ in sent[sender] if reply.answered]
        # Every answered turn is stored, once, in the order the patient sent it.
        assert [message for message in stored if message in answered] == answered, sender
        assert len(stored) == len(set(stored)), sender
        assert_turns_not_interleaved(turns(stack.events(sender)))


def test_the_replicas_share_both_action_servers_and_one_going_down_costs_no_answer(stack: ScaleStack):
    sender = "scale-action-servers"

    def ask(question: str) -> None:
        reply = stack.send("nginx", sender, question)
        assert reply.answered and not any("technical problem" in text for text in reply.texts), reply.body

    ask("I had my treatment 2 days ago")
    for question in CARE_QUESTIONS[:4]:
        ask(question)
    calls = stack.action_server_calls()
    assert all(calls[name] > 0 for name in ACTION_SERVERS), calls

    stack.kill("actions-1")
    for question in CARE_QUESTIONS[4:]:
        ask(question)  # nginx passes every call to actions-2; the patient never sees the safe reply
    after = stack.action_server_calls()
    assert after["actions-1"] == calls["actions-1"] and after["actions-2"] > calls["actions-2"], (calls, after)


def test_two_dispatchers_on_one_database_deliver_each_alert_exactly_once(stack: ScaleStack):
    senders = [f"scale-alert-{number}" for number in range(6)]
    with ThreadPoolExecutor(len(senders)) as pool:
        replies = list(pool.map(lambda sender: stack.send("nginx", sender, "pus is coming out of a spot"), senders))
    assert all(reply.answered for reply in replies)
    receiver = stack.alert_receiver
    receiver.wait_for(len(senders), timeout=30)
    time.sleep(3)  # a second delivery of any of them would arrive now
    delivered = [alert for alert in receiver.alerts if alert["conversation_id"] in senders]
    assert sorted(alert["conversation_id"] for alert in delivered) == sorted(senders)
    assert len({alert["id"] for alert in delivered}) == len(senders)
    assert receiver.refused == 0


def test_processes_starting_at_once_create_the_project_s_tables_without_colliding(stack: ScaleStack):
    import sqlalchemy as sa

    from storage.database import create_tables

    # Replicas, action servers, dispatchers and the console all create their tables when they start; on PostgreSQL
    # two processes creating the same table at once collided (a duplicate pg_type row) and one of them died.
    metadata = sa.MetaData()
    sa.Table("aftercare_schema_race", metadata, sa.Column("id", sa.Integer, primary_key=True))
    engines = [sa.create_engine(stack._dsn("aftercare"), future=True) for _ in range(6)]
    start = threading.Barrier(len(engines))

    def create(engine) -> None:
        start.wait()
        create_tables(engine, metadata)

    with ThreadPoolExecutor(len(engines)) as pool:
        list(pool.map(create, engines))  # raises if any of them failed
    with engines[0].connect() as connection:
        assert sa.inspect(connection).has_table("aftercare_schema_race")
    for engine in engines:
        engine.dispose()


def test_every_process_the_profile_started_is_stopped(stack: ScaleStack):
    stack.stop()
    assert stack.leftovers() == []
    assert [name for name, port in PORTS.items() if port_is_open(port)] == []

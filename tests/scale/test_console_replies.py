"""Staff replies across replicas: written to PostgreSQL by the console, delivered by whichever replica holds the
patient's socket (nginx keeps a widget on one replica), exactly once, live or on the patient's next visit.

This file runs before test_replicas.py, whose last test stops the stack.
"""

from __future__ import annotations

import asyncio

from storage.staff_store import StaffStore, connect
from tests.scale.conftest import ScaleStack, polling_client

NURSE = ("nurse@example.org", "Nurse Jo")


def staff_store(stack: ScaleStack) -> StaffStore:
    store = StaffStore(connect(stack._dsn("aftercare")))
    store.save_account(*NURSE, "not-a-real-hash")
    return store


async def join(client, session_id: str | None) -> tuple[str, list[dict]]:
    """Joins a conversation (a new one for None); the confirmed id and the list its staff messages arrive in."""
    loop = asyncio.get_running_loop()
    confirmed: asyncio.Future = loop.create_future()
    from_staff: list[dict] = []
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda data: from_staff.append(data) if data.get("from_staff") else None)
    await client.emit("session_request", {"session_id": session_id})
    return await asyncio.wait_for(confirmed, timeout=30), from_staff


async def wait_for_messages(messages: list[dict], count: int, timeout: float = 15) -> None:
    async def until() -> None:
        while len(messages) < count:
            await asyncio.sleep(0.1)

    await asyncio.wait_for(until(), timeout)


def staff_events(stack: ScaleStack, session_id: str) -> list[dict]:
    return [
        event
        for event in stack.events(session_id)
        if event["event"] == "bot" and (event.get("metadata") or {}).get("from_staff")
    ]


def test_a_reply_reaches_a_connected_patient_once_and_the_tracker_names_who_wrote_it(stack: ScaleStack):
    store = staff_store(stack)
    nurse = store.account_by_email(NURSE[0])

    async def talk() -> tuple[str, list[dict]]:
        async with polling_client() as client:
            session_id, from_staff = await join(client, None)
            await asyncio.to_thread(store.add_reply, session_id, nurse, "Hello, Jo from the clinic here.")
            await wait_for_messages(from_staff, 1)
            await asyncio.sleep(3)  # both replicas poll every second: a second delivery would arrive by now
            return session_id, from_staff

    session_id, from_staff = asyncio.run(talk())
    expected = {"text": "Hello, Jo from the clinic here.", "from_staff": "Nurse Jo", "clinic": "Glow Skin Clinic"}
    assert from_staff == [expected]
    assert store.replies_for(session_id)[0].delivered_at is not None
    (event,) = staff_events(stack, session_id)
    assert event["text"] == "Hello, Jo from the clinic here." and event["metadata"]["from_staff"] == "Nurse Jo"


def test_a_reply_written_while_the_patient_is_away_arrives_when_they_come_back(stack: ScaleStack):
    store = staff_store(stack)
    nurse = store.account_by_email(NURSE[0])

    async def first_visit() -> str:
        async with polling_client() as client:
            session_id, _ = await join(client, None)
            return session_id

    async def second_visit(session_id: str) -> list[dict]:
        async with polling_client() as client:
            resumed, from_staff = await join(client, session_id)
            assert resumed == session_id
            await wait_for_messages(from_staff, 1)
            return from_staff

    session_id = asyncio.run(first_visit())
    store.add_reply(session_id, nurse, "Please call us when you see this.")
    assert store.replies_for(session_id)[0].delivered_at is None  # nobody holds the conversation's socket
    (message,) = asyncio.run(second_visit(session_id))
    assert message["text"] == "Please call us when you see this." and message["from_staff"] == "Nurse Jo"
    assert len(staff_events(stack, session_id)) == 1

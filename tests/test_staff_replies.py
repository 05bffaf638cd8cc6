"""Staff replies reach the patient's sockets once, recorded in the tracker as from the staff member."""

import asyncio

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered

from channels.staff_replies import StaffReplyDelivery
from storage.staff_store import StaffStore, connect


class Agent:
    """The parts of Rasa's agent the delivery uses: its lock store and tracker store."""

    def __init__(self) -> None:
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(Domain.empty())


@pytest.fixture
def store(tmp_path):
    staff = StaffStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))
    staff.save_account("nurse@example.org", "Nurse Jo", "hash")
    return staff


def deliver(delivery, conversations, agent):
    sent = []

    async def emit(conversation_id, message):
        sent.append((conversation_id, message))

    count = asyncio.run(delivery.deliver(conversations, agent, emit))
    return count, sent


def staff_events(agent, conversation_id):
    tracker = asyncio.run(agent.tracker_store.retrieve(conversation_id))
    return [event for event in tracker.events if isinstance(event, BotUttered)] if tracker else []


def test_a_reply_is_emitted_as_from_the_staff_member_and_the_clinic_and_recorded_once(store):
    nurse = store.account_by_email("nurse@example.org")
    store.add_reply("c1", nurse, "Hello, Jo here.")
    agent, delivery = Agent(), StaffReplyDelivery(store, "Glow Skin Clinic")
    count, sent = deliver(delivery, ["c1"], agent)
    assert count == 1
    assert sent == [("c1", {"text": "Hello, Jo here.", "from_staff": "Nurse Jo", "clinic": "Glow Skin Clinic"})]
    (event,) = staff_events(agent, "c1")
    assert event.text == "Hello, Jo here." and event.metadata["from_staff"] == "Nurse Jo"
    assert store.replies_for("c1")[0].delivered_at is not None
    assert deliver(delivery, ["c1"], agent) == (0, [])  # delivered: never sent again


def test_only_the_conversations_with_a_socket_here_get_their_replies(store):
    nurse = store.account_by_email("nurse@example.org")
    store.add_reply("elsewhere", nurse, "Hello")
    count, sent = deliver(StaffReplyDelivery(store, "Clinic"), ["c1"], Agent())
    assert (count, sent) == (0, [])
    assert store.replies_for("elsewhere")[0].delivered_at is None  # waits for the patient's next visit


def test_a_reply_sent_again_after_a_crash_is_not_recorded_twice(store):
    nurse = store.account_by_email("nurse@example.org")
    store.add_reply("c1", nurse, "Hello")
    agent, delivery = Agent(), StaffReplyDelivery(store, "Clinic")
    (reply,) = store.undelivered_replies(["c1"])
    asyncio.run(delivery._record(agent, reply))  # recorded, then the replica died before marking it delivered
    deliver(delivery, ["c1"], agent)
    assert len(staff_events(agent, "c1")) == 1

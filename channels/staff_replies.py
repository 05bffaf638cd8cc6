"""Delivers what clinic staff wrote in the console to the patient, and records it in the conversation.

The console stores each reply (storage/staff_store.py). The socket.io channel of every Rasa replica looks, once
a second and when a patient's widget (re)joins its conversation, for undelivered replies to the conversations its
own sockets are in (replicas are sticky by session, so the patient's socket is on one of them). Each reply is
claimed with a short lease, so that two replicas never send it twice; it is recorded in the tracker as a
BotUttered whose metadata names the staff member (`from_staff`), under the conversation's lock so that it never
interleaves with a patient turn; then it is emitted as a bot message the widget shows as from that person and the
clinic (`{"text", "from_staff", "clinic"}`), and marked delivered. A replica that dies in between leaves the lease
to run out and the reply is sent again: recording it is skipped when the tracker already has it.

A REST conversation has no socket to push to: its replies are delivered, recorded the same way, at the start of
the patient's next request and put before the assistant's answer in its response (channels/rest.py), each as
`{"recipient_id", "text", "custom": {"from_staff", "clinic"}}`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from rasa.shared.core.events import BotUttered

from storage.staff_store import StaffReply, StaffStore

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
REPLY_ID_KEY = "staff_reply_id"


def widget_message(reply: StaffReply, clinic_name: str) -> dict[str, Any]:
    """The bot message the widget shows as from the staff member and the clinic, not the assistant."""
    return {"text": reply.text, "from_staff": reply.staff_name, "clinic": clinic_name}


def rest_message(reply: StaffReply, clinic_name: str) -> dict[str, Any]:
    """The message in a REST response: the text, with who wrote it as the tracker records it."""
    return {
        "recipient_id": reply.conversation_id,
        "text": reply.text,
        "custom": {"from_staff": reply.staff_name, "clinic": clinic_name},
    }


def tracker_event(reply: StaffReply, clinic_name: str) -> BotUttered:
    """The tracker's record of who said it: a bot message whose metadata names the staff member."""
    return BotUttered(
        reply.text,
        data={"custom": {"from_staff": reply.staff_name, "clinic": clinic_name}},
        metadata={"from_staff": reply.staff_name, "clinic": clinic_name, REPLY_ID_KEY: reply.id},
    )  # stamped when delivered: Rasa orders a conversation's events by their timestamps


class StaffReplyDelivery:
    """One replica's delivery of staff replies to the conversations its sockets are in."""

    def __init__(self, store: StaffStore, clinic_name: str) -> None:
        self.store = store
        self.clinic_name = clinic_name

    async def deliver(
        self,
        conversation_ids: Iterable[str],
        agent: Any,
        emit: Callable[[str, dict[str, Any]], Any],
        message: Callable[[StaffReply, str], dict[str, Any]] = widget_message,
    ) -> int:
        """Delivers the undelivered replies to these conversations; how many were delivered.

        `emit(conversation_id, message)` sends a bot message to the conversation's sockets on this replica;
        `message(reply, clinic_name)` makes that bot message (the widget's unless told).
        """
        pending = await asyncio.to_thread(self.store.undelivered_replies, list(conversation_ids))
        delivered = 0
        for reply in pending:
            if not await asyncio.to_thread(self.store.claim_reply, reply):
                continue
            await self._record(agent, reply)
            await emit(reply.conversation_id, message(reply, self.clinic_name))
            await asyncio.to_thread(self.store.reply_delivered, reply)
            delivered += 1
            logger.info("Delivered staff reply %d to its conversation.", reply.id)
        return delivered

    async def for_rest_response(self, conversation_id: str, agent: Any) -> list[dict[str, Any]]:
        """The conversation's undelivered replies as REST messages, recorded in its tracker and marked delivered.

        Never raises: when the database cannot be read, the turn goes on without them and they wait for the next.
        """
        messages: list[dict[str, Any]] = []

        async def collect(_: str, rest_reply: dict[str, Any]) -> None:
            messages.append(rest_reply)

        try:
            await self.deliver([conversation_id], agent, collect, rest_message)
        except Exception as error:  # noqa: BLE001 - the patient's turn must not fail on a database hiccup
            logger.error("Staff replies could not be delivered (%s); trying at the next turn.", type(error).__name__)
        return messages

    async def _record(self, agent: Any, reply: StaffReply) -> None:
        async with agent.lock_store.lock(reply.conversation_id):
            tracker = await agent.tracker_store.get_or_create_tracker(reply.conversation_id)
            recorded = any(
                isinstance(event, BotUttered) and (event.metadata or {}).get(REPLY_ID_KEY) == reply.id
                for event in tracker.events
            )
            if not recorded:
                tracker.update(tracker_event(reply, self.clinic_name))
                await agent.tracker_store.save(tracker)

    async def run(
        self,
        conversation_ids: Callable[[], list[str]],
        agent: Callable[[], Any],
        emit: Callable[[str, dict[str, Any]], Any],
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """Delivers every `poll_seconds` to the conversations `conversation_ids()` names, until cancelled."""
        while True:
            ids, current_agent = conversation_ids(), agent()
            if ids and current_agent is not None:
                try:
                    await self.deliver(ids, current_agent, emit)
                except Exception as error:  # noqa: BLE001 - a database hiccup must not stop delivery for good
                    logger.error("Staff replies could not be delivered (%s); trying again.", type(error).__name__)
            await asyncio.sleep(poll_seconds)

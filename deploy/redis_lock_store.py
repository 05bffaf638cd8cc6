"""Rasa's Redis lock store made safe for several Rasa replicas: atomic tickets, kept alive while waiting.

Two problems of Rasa 3.6's `RedisLockStore`, both seen in `make test-scale`:

- It changes a conversation's ticket lock with a plain GET, then a SET. Two replicas that receive messages of
  one conversation at the same moment can both read the same lock and both issue the same ticket number; both
  then handle their message at once on the same stored conversation, and the SQL tracker store keeps only part
  of the second turn (an answered message was missing from PostgreSQL). Here every read-change-write of a lock
  is a Redis transaction (WATCH/MULTI/EXEC), retried when another replica changed the lock in between, and
  finishing a ticket and deleting an empty lock are one step.
- A ticket expires TICKET_LOCK_LIFETIME seconds after it was issued, whether its message was handled or still
  waiting. When a replica dies holding a ticket, the conversation's next message waits for that ticket to
  expire, by which time its own ticket has expired too, and then it waits for a turn that never comes (the
  patient gets a 503 after Rasa's 60 s response timeout). Here a replica renews the tickets of its waiting
  messages each time it looks at the lock, and the ticket of the message it starts handling: only a ticket
  whose replica stopped renewing it expires, and TICKET_LOCK_LIFETIME bounds the handling of one turn, not the
  wait before it.

Tickets and their order are Rasa's own. Rasa 3.6 calls `update_lock` and `finish_serving` only from the
`lock` and `cleanup` replaced here, so those two are not needed. deploy/endpoints.yml selects this store with
`type: deploy.redis_lock_store.AtomicRedisLockStore`; the other keys are those of Rasa's `type: redis`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket changes are atomic across processes and whose waiting tickets stay alive."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa builds a lock store named by module path from its endpoint configuration alone.
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **settings}
        super().__init__(**settings)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
    ) -> Result:
        """Applies `change` to the stored lock atomically; a returned lock of None deletes it."""
        key = self.key_prefix + conversation_id
        outcome: list[Result] = []

        def apply(pipe: Any) -> None:
            outcome.clear()  # a retry after another replica's write starts again from what is stored now
            stored = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            outcome.append(result)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())

        self.red.transaction(apply, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issues the next ticket for the conversation, creating its lock if needed."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the finished ticket, and the lock when no one else holds a ticket, in one step."""

        def finish_and_delete_if_unused(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_delete_if_unused)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        """Takes a ticket and waits for its turn, renewing it meanwhile; the ticket is given back at the end."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._wait_for_turn(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(
        self, conversation_id: str, ticket: int, lock_lifetime: float, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock, turn = self._change(conversation_id, _renew(ticket, lock_lifetime))
            if turn is None:
                raise LockError(
                    f"Could not acquire lock for conversation_id '{conversation_id}': its ticket expired "
                    f"while waiting (this replica did not look at the lock for over {lock_lifetime:.0f} s)."
                )
            if turn:
                return lock
            await asyncio.sleep(wait_time_in_seconds)


def _renew(
    ticket: int, lock_lifetime: float
) -> Callable[[TicketLock | None], tuple[TicketLock | None, tuple[TicketLock | None, bool | None]]]:
    """A lock change: drops expired tickets, renews `ticket` and tells whether it is its turn (None: it is gone)."""

    def change(lock: TicketLock | None) -> tuple[TicketLock | None, tuple[TicketLock | None, bool | None]]:
        if lock is None:
            return None, (None, None)
        lock.remove_expired_tickets()
        own = next((held for held in lock.tickets if held.number == ticket), None)
        if own is None:
            return lock, (lock, None)
        own.expires = time.time() + lock_lifetime
        return lock, (lock, not lock.is_locked(ticket))

    return change

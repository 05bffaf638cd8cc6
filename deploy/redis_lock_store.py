"""Rasa's Redis lock store with each change of a lock made atomically, for several Rasa replicas.

Rasa 3.6's `RedisLockStore` changes a conversation's ticket lock with a plain GET, then a SET. Two replicas
that receive messages of one conversation at the same moment can both read the same lock and both issue the
same ticket number; both then handle their message at once, on the same stored conversation, and the SQL
tracker store keeps only part of the second turn (the scale test saw an answered message missing from the
store). Rasa's fix (`ConcurrentRedisLockStore`) was reverted from Rasa Open Source. Here every read-change-write
of a lock is a Redis transaction (WATCH/MULTI/EXEC) retried when another replica changed the lock in between,
and finishing a ticket and deleting an empty lock are one step. Tickets, their order and their lifetime
(TICKET_LOCK_LIFETIME) are Rasa's own.

deploy/endpoints.yml selects it with `type: deploy.redis_lock_store.AtomicRedisLockStore`; the other keys are
those of Rasa's `type: redis`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket changes are atomic across processes."""

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

    def update_lock(self, conversation_id: str) -> None:
        """Removes expired tickets (a lock that exists is kept, even if empty, as Rasa does)."""

        def remove_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        if self.get_lock(conversation_id) is not None:
            self._change(conversation_id, remove_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the finished ticket."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        if self.get_lock(conversation_id) is not None:
            self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the finished ticket, and the lock when no one else holds a ticket, in one step."""

        def finish_and_delete_if_unused(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_delete_if_unused)

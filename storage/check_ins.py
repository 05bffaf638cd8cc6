"""What the check-in figures need from the conversations' database, as aftercare/check_in_answers.py programmes.

Each enrolment's scheduled messages and answers (storage/enrolments.py's tables) and its escalation alerts (the
outbox's): times only, never what anyone wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from aftercare.check_in_answers import Programme, latest_check_in_answer
from storage.enrolments import answers, enrolments, sent_messages
from storage.outbox import deliveries


def programmes(engine: sa.engine.Engine, conversation_ids: Iterable[str] | None = None) -> dict[str, Programme]:
    """Each enrolment's programme by its conversation id (all of them, or those of `conversation_ids`)."""
    inspector = sa.inspect(engine)
    if not inspector.has_table(enrolments.name):
        return {}
    query = sa.select(enrolments.c.id, enrolments.c.conversation_id)
    if conversation_ids is not None:
        query = query.where(enrolments.c.conversation_id.in_(list(conversation_ids)))
    sent: dict[str, list[tuple[str, float]]] = {}
    answered: dict[str, list[float]] = {}
    escalated: dict[str, set[tuple[str, float]]] = {}
    with engine.connect() as connection:
        conversation_of = {row.id: row.conversation_id for row in connection.execute(query)}
        if not conversation_of:
            return {}
        ids = list(conversation_of)
        for row in connection.execute(
            sa.select(sent_messages.c.enrolment_id, sent_messages.c.message_key, sent_messages.c.at).where(
                sent_messages.c.enrolment_id.in_(ids)
            )
        ):
            sent.setdefault(row.enrolment_id, []).append((row.message_key, row.at))
        for row in connection.execute(
            sa.select(answers.c.enrolment_id, answers.c.at).where(answers.c.enrolment_id.in_(ids))
        ):
            answered.setdefault(row.enrolment_id, []).append(row.at)
        if inspector.has_table(deliveries.name):
            for row in connection.execute(
                sa.select(deliveries.c.conversation_id, deliveries.c.alert_id, deliveries.c.created_at).where(
                    deliveries.c.kind == "escalation",
                    deliveries.c.conversation_id.in_(list(conversation_of.values())),
                )
            ):
                escalated.setdefault(row.conversation_id, set()).add((row.alert_id, row.created_at))
    return {
        conversation: Programme(
            sent=tuple(sent.get(enrolment_id, ())),
            answers=tuple(answered.get(enrolment_id, ())),
            escalations=tuple(at for _, at in escalated.get(conversation, ())),
        )
        for enrolment_id, conversation in conversation_of.items()
    }


def check_in_answers(
    engine: sa.engine.Engine, conversation_ids: Iterable[str] | None = None
) -> dict[str, tuple[str, float]]:
    """The conversations whose patient answered a check-in: the check-in key and when they last answered one."""
    found = {}
    for conversation, programme in programmes(engine, conversation_ids).items():
        answer = latest_check_in_answer(programme.sent, programme.answers)
        if answer is not None:
            found[conversation] = answer
    return found

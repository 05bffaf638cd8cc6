"""Which of a patient's messages answer a check-in, for the console's inbox and `make report`: pure functions.

A message answers the scheduled message sent to the patient last before it (by email or text; the same message on
both channels counts once, from its first sending). When that is a check-in ("check_in:<id>", care_guide.yml's
24-hour and 7-day questions), the message is a check-in answer, and an escalation it caused came from a check-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CHECK_IN_PREFIX = "check_in:"


def is_check_in(message_key: str) -> bool:
    """Whether a scheduled message's key names a check-in."""
    return message_key.startswith(CHECK_IN_PREFIX)


def first_sendings(sent: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    """Each scheduled message once, at its first sending, oldest first."""
    first: dict[str, float] = {}
    for key, at in sent:
        first[key] = min(at, first.get(key, at))
    return sorted(first.items(), key=lambda item: item[1])


def replying_to(sent: Iterable[tuple[str, float]], at: float) -> str | None:
    """The key of the scheduled message a patient's message at `at` answers (None: nothing was sent before it)."""
    before = [key for key, sent_at in first_sendings(sent) if sent_at <= at]
    return before[-1] if before else None


def latest_check_in_answer(sent: Iterable[tuple[str, float]], answers: Iterable[float]) -> tuple[str, float] | None:
    """The latest answer that replies to a check-in, as (check-in key, when), or None."""
    sendings = first_sendings(sent)
    for at in sorted(answers, reverse=True):
        key = replying_to(sendings, at)
        if key is not None and is_check_in(key):
            return key, at
    return None


@dataclass(frozen=True)
class Programme:
    """One enrolment's scheduled messages (key, when; once per channel), answers and escalation alerts (when)."""

    sent: tuple[tuple[str, float], ...]
    answers: tuple[float, ...] = ()
    escalations: tuple[float, ...] = ()


@dataclass(frozen=True)
class CheckInFigures:
    """The check-ins sent in a period, how many of them were answered, and escalations that came from a check-in."""

    sent: int = 0
    answered: int = 0
    escalations: int = 0


def check_in_figures(programmes: Iterable[Programme], since: float, until: float) -> CheckInFigures:
    """The figures for check-ins first sent, and escalations alerted, from `since` until before `until`."""
    sent = answered = escalations = 0
    for programme in programmes:
        sendings = first_sendings(programme.sent)
        answered_keys = {replying_to(sendings, at) for at in programme.answers}
        for key, at in sendings:
            if is_check_in(key) and since <= at < until:
                sent += 1
                answered += key in answered_keys
        for at in programme.escalations:
            key = replying_to(sendings, at)
            escalations += since <= at < until and key is not None and is_check_in(key)
    return CheckInFigures(sent, answered, escalations)


def format_check_ins(figures: CheckInFigures) -> str:
    """The figures as the report's line, e.g. 'Check-ins sent: 4, answered: 3, escalations from a check-in: 1'."""
    return (
        f"Check-ins sent: {figures.sent}, answered: {figures.answered}, "
        f"escalations that came from a check-in: {figures.escalations}"
    )

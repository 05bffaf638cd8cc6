"""Which escalation a turn raises: the one rule the action server and the evaluation both apply."""

from __future__ import annotations

from collections.abc import Iterable

INJECTOR = "injector"
EMERGENCY = "emergency"
ESCALATION_LEVELS = (INJECTOR, EMERGENCY)  # in order of urgency
WARNING_INTENT = "report_warning_sign"
EMERGENCY_INTENT = "report_emergency"
REPORT_INTENTS = frozenset({WARNING_INTENT, EMERGENCY_INTENT})


def report_level(intent: str | None, sign_categories: Iterable[str]) -> str:
    """The level of a reported warning sign: an emergency intent or sign outranks everything else."""
    return EMERGENCY if intent == EMERGENCY_INTENT or EMERGENCY in set(sign_categories) else INJECTOR


def more_urgent(current: str | None, level: str) -> bool:
    """Whether `level` is more urgent than `current` (None or an unknown value is the least urgent)."""
    if current not in ESCALATION_LEVELS:
        return True
    return ESCALATION_LEVELS.index(level) > ESCALATION_LEVELS.index(current)

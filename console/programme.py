"""What the console shows of an enrolled patient's programme, behind one adapter the scheduler's rules plug into."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def next_message_due(enrolment: Any, now: datetime) -> datetime | None:
    """When the patient's next scheduled message is due; None until aftercare/programme.py's `next_due` is wired.

    The schedule (which message when, quiet hours) is decided in aftercare/programme.py; the Patients page shows
    "—" while this returns None. Wire it as `return next_due(enrolment, now)`, adapting its result to a time.
    """
    return None

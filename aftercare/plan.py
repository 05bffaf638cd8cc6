"""The patient's aftercare plan: what is fine now, what to wait for, what is normal, and the milestones between.

Everything here is read from the care guide's windows (`allows`, `effect`, `booking_reminder`, `check_ins` in
care_guide.yml), so a window changed there changes the plan, the milestone messages and the check-ins; the sentences
around them are content/en/texts.yml's `plan` texts. Plain
Python with no Rasa import: the actions (actions/plan.py) only read the tracker and dispatch what this returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from aftercare.care_guide import CareGuide, CheckIn, Window, describe_local_time, hours_since
from aftercare.texts import patient_text
from aftercare.timestamps import describe_elapsed, format_timestamp, parse_timestamp


@dataclass(frozen=True)
class Milestone:
    """A moment after the procedure at which something changes: things become fine, or it is time to book."""

    hours: float
    allows: tuple[str, ...] = ()
    booking: bool = False


@dataclass(frozen=True)
class Waiting:
    """Something not fine yet, and when it becomes fine."""

    label: str
    fine_at: datetime


@dataclass(frozen=True)
class Expected:
    """An effect that is normal now, and until when."""

    label: str
    until: datetime


@dataclass(frozen=True)
class Plan:
    """The patient's stage: day N, what is fine, waiting, normal and no longer expected, and the next milestone."""

    procedure_time: datetime
    now: datetime
    hours: float
    fine_now: tuple[str, ...]
    waiting: tuple[Waiting, ...]
    normal: tuple[Expected, ...]
    no_longer_expected: tuple[str, ...]
    next_milestone: Milestone | None
    booking_open: bool

    @property
    def day(self) -> int:
        """Whole days since the procedure: 0 on the day itself, as "I'm on day 3" means 3 days ago."""
        return int(self.hours // 24)


def _current_index(windows: tuple[Window, ...], hours: float) -> int:
    hours = max(hours, 0.0)
    return next(index for index, window in enumerate(windows) if window.contains(hours))


def milestones(guide: CareGuide) -> tuple[Milestone, ...]:
    """Every moment after the procedure at which something becomes fine or booking opens, in time order."""
    allows: dict[float, list[str]] = {}
    booking: set[float] = set()
    for topic in guide.topics.values():
        for window in topic.windows:
            if window.from_hours > 0 and window.allows:
                allows.setdefault(window.from_hours, []).extend(window.allows)
            if window.from_hours > 0 and window.booking_reminder:
                booking.add(window.from_hours)
    return tuple(
        Milestone(hours, tuple(allows.get(hours, ())), hours in booking) for hours in sorted({*allows, *booking})
    )


def build_plan(guide: CareGuide, procedure_time: datetime, now: datetime) -> Plan:
    """The plan for the patient's stage at `now`, from every topic's windows."""
    hours = max(hours_since(procedure_time, now), 0.0)
    fine_now: list[str] = []
    waiting: list[Waiting] = []
    normal: list[Expected] = []
    gone: list[str] = []
    booking_open = False
    for topic in guide.topics.values():
        current = _current_index(topic.windows, hours)
        for window in topic.windows[: current + 1]:
            fine_now.extend(window.allows)
        for window in topic.windows[current + 1 :]:
            at = procedure_time + timedelta(hours=window.from_hours)
            waiting.extend(Waiting(label, at) for label in window.allows)
        booking_open = booking_open or topic.windows[current].booking_reminder
        expected_until = topic.expected_until_hours
        if topic.effect and expected_until is not None:
            if hours < expected_until:
                normal.append(Expected(topic.effect, procedure_time + timedelta(hours=expected_until)))
            else:
                gone.append(topic.effect)
    upcoming = [milestone for milestone in milestones(guide) if milestone.hours > hours]
    return Plan(
        procedure_time=procedure_time,
        now=now,
        hours=hours,
        fine_now=tuple(fine_now),
        waiting=tuple(sorted(waiting, key=lambda item: item.fine_at)),
        normal=tuple(sorted(normal, key=lambda item: item.until)),
        no_longer_expected=tuple(gone),
        next_milestone=upcoming[0] if upcoming else None,
        booking_open=booking_open,
    )


def crossed_milestones(guide: CareGuide, since_hours: float, now_hours: float) -> tuple[Milestone, ...]:
    """The milestones that allow something, passed after `since_hours` and by `now_hours` (since < m <= now)."""
    return tuple(
        milestone for milestone in milestones(guide) if milestone.allows and since_hours < milestone.hours <= now_hours
    )


def due_check_in(guide: CareGuide, hours: float, done: frozenset[float]) -> CheckIn | None:
    """The check-in to ask now (its window holds `hours` and it was not asked in this conversation), if any."""
    return next(
        (
            check_in
            for check_in in guide.check_ins
            if check_in.from_hours <= hours < check_in.until_hours and check_in.from_hours not in done
        ),
        None,
    )


def booking_window(guide: CareGuide) -> Window | None:
    """The care guide's window in which it is time to book the next session (`booking_reminder: true`)."""
    return next(
        (window for topic in guide.topics.values() for window in topic.windows if window.booking_reminder), None
    )


# ---- What the patient reads ---------------------------------------------------------------------------------


def describe_hours(hours: float) -> str:
    """A milestone's distance from the procedure as people say it: "24 hours", "3 days", "10 days", "4 weeks"."""
    days = hours / 24
    if hours < 72 or not float(days).is_integer():
        return patient_text("plan.hours", count=hours)
    if days % 7 == 0 and days >= 14:
        return patient_text("plan.weeks", count=days / 7)
    return patient_text("plan.days", count=days)


def _join(labels: tuple[str, ...] | list[str]) -> str:
    # Labels may hold commas ("swimming, saunas ..."): semicolons keep the items apart.
    return "; ".join(labels)


def _milestone_news(milestone: Milestone) -> str:
    parts = list(milestone.allows)
    if milestone.booking:
        parts.append(patient_text("plan.time_to_book"))
    return _join(parts)


def plan_messages(plan: Plan, timezone: str, details: dict[str, str]) -> list[str]:
    """The plan as chat messages: the stage, fine now, still to wait for, normal, no longer expected, next."""
    elapsed = describe_elapsed(plan.procedure_time, plan.now)
    if plan.day == 0:
        stage = patient_text("plan.stage_today", elapsed=elapsed)
    else:
        stage = patient_text("plan.stage_day", day=plan.day, elapsed=elapsed)
    messages = [stage]
    if plan.fine_now:
        messages.append(patient_text("plan.fine_now", items=_join(plan.fine_now)))
    if plan.waiting:
        waits = [
            patient_text(
                "plan.waiting_item", label=item.label, moment=describe_local_time(item.fine_at, plan.now, timezone)
            )
            for item in plan.waiting
        ]
        messages.append(patient_text("plan.waiting", items=_join(waits)))
    if plan.normal:
        normal = [
            patient_text(
                "plan.normal_item", label=item.label, moment=describe_local_time(item.until, plan.now, timezone)
            )
            for item in plan.normal
        ]
        messages.append(patient_text("plan.normal", items=_join(normal)))
    if plan.no_longer_expected:
        messages.append(patient_text("plan.no_longer_expected", items=_join(plan.no_longer_expected), **details))
    if plan.next_milestone is not None:
        messages.append(patient_text("plan.next_milestone", next=describe_next(plan, timezone)))
    elif plan.booking_open:
        messages.append(patient_text("plan.book_when_settled"))
    return messages


def describe_next(plan: Plan, timezone: str) -> str:
    """The next milestone, e.g. "around 5 pm tomorrow (48 hours after your treatment): workouts ..."."""
    milestone = plan.next_milestone
    if milestone is None:
        return ""
    at = describe_local_time(plan.procedure_time + timedelta(hours=milestone.hours), plan.now, timezone)
    return patient_text(
        "plan.next_at", moment=at, distance=describe_hours(milestone.hours), news=_milestone_news(milestone)
    )


def milestone_message(crossed: tuple[Milestone, ...]) -> str | None:
    """Says once what has changed since the patient last wrote, e.g. "It's now past 24 hours ..."."""
    if not crossed:
        return None
    labels = [label for milestone in crossed for label in milestone.allows]
    latest = describe_hours(crossed[-1].hours)
    return patient_text("plan.milestone_passed", distance=latest, items=_join(labels))


def booking_message(window: Window, details: dict[str, str], booking_url: str | None) -> str:
    """The next-session reminder: the booking window's own text, with the clinic's booking link when it has one."""
    text = window.text.format(until="", **details)
    return patient_text("plan.book_online", text=text, booking_url=booking_url) if booking_url else text


def plan_payload(plan: Plan, timezone: str) -> dict[str, Any]:
    """The plan as JSON for the widget's "Your aftercare" panel (texts already written for the patient)."""
    return {
        "day": plan.day,
        "elapsed": describe_elapsed(plan.procedure_time, plan.now),
        "fine_now": list(plan.fine_now),
        "waiting": [
            {"label": item.label, "from": describe_local_time(item.fine_at, plan.now, timezone)}
            for item in plan.waiting
        ],
        "normal": [
            {"label": item.label, "until": describe_local_time(item.until, plan.now, timezone)} for item in plan.normal
        ],
        "no_longer_expected": list(plan.no_longer_expected),
        "next_milestone": describe_next(plan, timezone) or None,
        "booking_open": plan.booking_open,
    }


# ---- What the conversation remembers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What this conversation has seen: the last reply that could carry news, and what was announced or asked.

    Kept in one slot (`aftercare_progress`) and carried into new sessions, so each milestone, check-in and the
    booking reminder happens once per conversation.
    """

    seen_at: datetime | None = None
    seen_procedure_time: datetime | None = None
    milestones: frozenset[float] = field(default_factory=frozenset)
    check_ins: frozenset[float] = field(default_factory=frozenset)
    booking_reminded: bool = False
    # A visit (session) that began with the procedure time known may ask a due check-in at its first calm reply;
    # one that began without it asks in the plan only, so a patient busy telling the time is not interrupted.
    visit_check_in: bool = False

    @classmethod
    def from_slot(cls, value: Any) -> Progress:
        """Reads the slot; anything unreadable counts as nothing seen (never a crash)."""
        if not isinstance(value, dict):
            return cls()

        def moment(key: str) -> datetime | None:
            try:
                return parse_timestamp(value.get(key)) if isinstance(value.get(key), str) else None
            except ValueError:
                return None

        def hours(key: str) -> frozenset[float]:
            items = value.get(key)
            if not isinstance(items, list):
                return frozenset()
            return frozenset(
                float(item)
                for item in items
                if isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item)
            )

        return cls(
            moment("seen_at"),
            moment("seen_procedure_time"),
            hours("milestones"),
            hours("check_ins"),
            value.get("booking_reminded") is True,
            value.get("visit_check_in") is True,
        )

    def to_slot(self) -> dict[str, Any]:
        """The slot's value (JSON)."""
        return {
            "seen_at": format_timestamp(self.seen_at) if self.seen_at else None,
            "seen_procedure_time": format_timestamp(self.seen_procedure_time) if self.seen_procedure_time else None,
            "milestones": sorted(self.milestones),
            "check_ins": sorted(self.check_ins),
            "booking_reminded": self.booking_reminded,
            "visit_check_in": self.visit_check_in,
        }

    def new_visit(self, procedure_time_known: bool) -> Progress:
        """The progress at the start of a new visit (session): everything kept, the visit's check-in reset."""
        return replace(self, visit_check_in=procedure_time_known)


@dataclass(frozen=True)
class TurnNews:
    """What a reply adds for the patient's stage: milestones first, then the booking reminder and a check-in."""

    crossed: tuple[Milestone, ...]
    check_in: CheckIn | None
    remind_booking: bool
    progress: Progress


def turn_news(
    guide: CareGuide, progress: Progress, procedure_time: datetime, now: datetime, plan_asked: bool = False
) -> TurnNews:
    """What this reply should say besides its answer, and the progress to remember after it.

    A due check-in is asked in the plan (`plan_asked`) or in a visit that began with the procedure time known.
    A milestone is announced only when the previous such reply was before it, with the same procedure time:
    a patient who only now says when the treatment was, or corrects it, gets the plan, not "it's now past...".
    """
    hours = max(hours_since(procedure_time, now), 0.0)
    crossed: tuple[Milestone, ...] = ()
    if progress.seen_at is not None and progress.seen_procedure_time == procedure_time:
        since = hours_since(procedure_time, progress.seen_at)
        crossed = tuple(m for m in crossed_milestones(guide, since, hours) if m.hours not in progress.milestones)
    check_in = due_check_in(guide, hours, progress.check_ins) if plan_asked or progress.visit_check_in else None
    window = booking_window(guide)
    remind = window is not None and window.from_hours <= hours and not progress.booking_reminded
    updated = replace(
        progress,
        seen_at=now,
        seen_procedure_time=procedure_time,
        # Every milestone already behind the patient counts as known: the plan and answers say them.
        milestones=progress.milestones | {m.hours for m in milestones(guide) if m.allows and m.hours <= hours},
        check_ins=progress.check_ins | ({check_in.from_hours} if check_in else set()),
        booking_reminded=progress.booking_reminded or remind,
    )
    return TurnNews(crossed, check_in, remind, updated)

"""The care guide: which guidance applies to a topic at a given time since the procedure.

Plain Python with no Rasa import, so every window boundary is tested directly.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aftercare.procedure_time.vocabulary import today_offset_hours
from aftercare.yaml_files import ConfigError, read_yaml_mapping

TEMPLATE_FIELDS = frozenset({"until", "clinic_name", "injector_name", "phone", "hours", "emergency_number"})


@dataclass(frozen=True)
class Window:
    """Guidance for one stretch of time after the procedure: from_hours <= elapsed < until_hours."""

    from_hours: float
    until_hours: float | None
    text: str
    escalate: bool = False
    escalate_if_intense: bool = False  # escalates an effect the patient says is intense ("still really red")
    # The plan (aftercare/plan.py): what becomes fine from this window on, and the window in which it is time
    # to book the next session.
    allows: tuple[str, ...] = ()
    booking_reminder: bool = False

    def contains(self, hours: float) -> bool:
        """True when `hours` since the procedure falls in this window."""
        return self.from_hours <= hours and (self.until_hours is None or hours < self.until_hours)


@dataclass(frozen=True)
class Topic:
    """A subject patients ask about, with its guidance windows in time order."""

    name: str
    windows: tuple[Window, ...]
    # What the plan calls the effect this topic is about ("redness"): normal until its first escalating window.
    effect: str | None = None

    @property
    def needs_time(self) -> bool:
        """Whether the answer depends on when the procedure was."""
        return len(self.windows) > 1

    @property
    def expected_until_hours(self) -> float | None:
        """The point past which the effect is no longer expected (the first escalating window), if any."""
        return next((window.from_hours for window in self.windows if window.escalate), None)

    def window_at(self, hours: float) -> Window:
        """The window holding `hours` since the procedure (negative hours count as 0)."""
        hours = max(hours, 0.0)
        return next(window for window in self.windows if window.contains(hours))


@dataclass(frozen=True)
class TimeButton:
    """A quick reply for the time question: its label and the time since the procedure it stands for."""

    title: str
    hours_ago: float


@dataclass(frozen=True)
class CheckIn:
    """When the assistant asks how the skin looks: once per conversation, from_hours <= elapsed < until_hours."""

    from_hours: float
    until_hours: float


@dataclass(frozen=True)
class CareGuide:
    """All topics, the time question's quick replies and the check-ins."""

    topics: dict[str, Topic]
    time_buttons: tuple[TimeButton, ...]
    check_ins: tuple[CheckIn, ...] = ()
    first_hours: float = 0.0  # how long warmth, clear oozing and swelling are expected, whatever words say them


@dataclass(frozen=True)
class Advice:
    """What to tell the patient, and whether the conversation must be escalated to the injector.

    `if_still_there`: the window escalates but the question was asked in general ("how long does redness
    last?"), so the reply adds "if you still have it now, contact ..." instead of escalating.
    """

    text: str
    escalate: bool
    if_still_there: bool = False


def _number(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
        raise ConfigError(f"{path}: {where} must be a number of hours (0 or more), not {value!r}")
    return float(value)


def _check_template(path: Path, where: str, text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{path}: {where}: 'text' is missing or empty")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise ConfigError(f"{path}: {where}: 'text' has a broken {{placeholder}} ({error})") from None
    unknown = sorted(fields - TEMPLATE_FIELDS)
    if unknown:
        raise ConfigError(
            f"{path}: {where}: unknown placeholder {{{unknown[0]}}} (known: {', '.join(sorted(TEMPLATE_FIELDS))})"
        )
    return " ".join(text.split())


def _load_window(path: Path, topic: str, index: int, raw: Any) -> Window:
    where = f"topic '{topic}', window {index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {where} must be a mapping with from_hours and text")
    keys = {"from_hours", "until_hours", "text", "escalate", "escalate_if_intense", "allows", "booking_reminder"}
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise ConfigError(f"{path}: {where}: unknown key '{unknown[0]}'")
    if "from_hours" not in raw:
        raise ConfigError(f"{path}: {where}: key 'from_hours' is missing")
    from_hours = _number(path, f"{where}: 'from_hours'", raw["from_hours"])
    until_hours = raw.get("until_hours")
    if until_hours is not None:
        until_hours = _number(path, f"{where}: 'until_hours'", until_hours)
        if until_hours <= from_hours:
            raise ConfigError(f"{path}: {where}: 'until_hours' ({until_hours:g}) must be after 'from_hours'")
    flags = {key: raw.get(key, False) for key in ("escalate", "escalate_if_intense", "booking_reminder")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {where}: '{key}' must be true or false")
    text = _check_template(path, where, raw.get("text"))
    if "{until}" in text and until_hours is None:
        raise ConfigError(f"{path}: {where}: uses {{until}} but the window has no 'until_hours'")
    allows = _labels(path, f"{where}: 'allows'", raw)
    return Window(
        from_hours,
        until_hours,
        text,
        flags["escalate"],
        flags["escalate_if_intense"],
        allows,
        flags["booking_reminder"],
    )


def _label(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where} must be a short non-empty text, not {value!r}")
    return " ".join(value.split())


def _labels(path: Path, where: str, raw: dict[str, Any]) -> tuple[str, ...]:
    """A window's `allows`: the things the plan lists as fine from this window on."""
    value = raw.get("allows", [])
    if not isinstance(value, list):
        raise ConfigError(f"{path}: {where} must be a list of short texts (e.g. [make-up])")
    return tuple(_label(path, f"{where} item {index}", item) for index, item in enumerate(value, start=1))


def _load_topic(path: Path, name: str, raw: Any) -> Topic:
    if not isinstance(raw, dict) or not isinstance(raw.get("windows"), list) or not raw["windows"]:
        raise ConfigError(f"{path}: topic '{name}' needs a non-empty list of 'windows'")
    unknown = sorted(set(raw) - {"windows", "effect"})
    if unknown:
        raise ConfigError(f"{path}: topic '{name}': unknown key '{unknown[0]}' (known keys: windows, effect)")
    windows = tuple(_load_window(path, name, index, window) for index, window in enumerate(raw["windows"]))
    if windows[0].from_hours != 0:
        raise ConfigError(f"{path}: topic '{name}': the first window must start at from_hours: 0")
    for index, (earlier, later) in enumerate(zip(windows, windows[1:], strict=False), start=1):
        if earlier.until_hours is None:
            raise ConfigError(f"{path}: topic '{name}': window {index} has no 'until_hours' but is not the last window")
        if later.from_hours < earlier.until_hours:
            raise ConfigError(
                f"{path}: topic '{name}': windows {index} and {index + 1} overlap "
                f"({earlier.until_hours:g} h > {later.from_hours:g} h)"
            )
        if later.from_hours > earlier.until_hours:
            raise ConfigError(
                f"{path}: topic '{name}': gap between windows {index} and {index + 1} "
                f"({earlier.until_hours:g} h to {later.from_hours:g} h has no guidance)"
            )
    if windows[-1].until_hours is not None:
        raise ConfigError(f"{path}: topic '{name}': the last window must have no 'until_hours' (it lasts for ever)")
    effect = None
    if raw.get("effect") is not None:
        effect = _label(path, f"topic '{name}': 'effect'", raw["effect"])
        if not any(window.escalate for window in windows):
            raise ConfigError(
                f"{path}: topic '{name}': 'effect' needs a window with 'escalate: true' (when it stops being normal)"
            )
    return Topic(name, windows, effect)


def _load_check_ins(path: Path, raw: Any) -> tuple[CheckIn, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'check_ins' must be a list of windows (from_hours, until_hours)")
    check_ins: list[CheckIn] = []
    for index, item in enumerate(raw, start=1):
        where = f"check_ins item {index}"
        if not isinstance(item, dict) or set(item) != {"from_hours", "until_hours"}:
            raise ConfigError(f"{path}: {where} must have exactly 'from_hours' and 'until_hours'")
        check_in = CheckIn(
            _number(path, f"{where}: 'from_hours'", item["from_hours"]),
            _number(path, f"{where}: 'until_hours'", item["until_hours"]),
        )
        if check_in.until_hours <= check_in.from_hours:
            raise ConfigError(f"{path}: {where}: 'until_hours' must be after 'from_hours'")
        if check_ins and check_in.from_hours < check_ins[-1].until_hours:
            raise ConfigError(f"{path}: {where} starts before check-in {index - 1} ends (they must be in time order)")
        check_ins.append(check_in)
    return tuple(check_ins)


def _load_time_buttons(path: Path, raw: Any) -> tuple[TimeButton, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: 'time_question' must be a non-empty list of buttons (title, hours_ago)")
    buttons = []
    for index, button in enumerate(raw, start=1):
        if not isinstance(button, dict) or not isinstance(button.get("title"), str) or not button["title"].strip():
            raise ConfigError(f"{path}: time_question button {index} needs a 'title'")
        if button.get("hours_ago") == "today":  # what the time vocabulary takes "earlier today" to mean
            hours_ago = today_offset_hours()
        else:
            hours_ago = _number(path, f"time_question button {index}: 'hours_ago'", button.get("hours_ago"))
        buttons.append(TimeButton(button["title"].strip(), hours_ago))
    return tuple(buttons)


def domain_topics(domain_file: Path) -> list[str]:
    """The care-guide topics the assistant understands: its `ask_<topic>` intents in domain.yml."""
    intents = (read_yaml_mapping(domain_file).get("intents")) or []
    return [intent[len("ask_") :] for intent in intents if isinstance(intent, str) and intent.startswith("ask_")]


def load_care_guide(path: str | Path, known_topics: Iterable[str]) -> CareGuide:
    """Loads and validates the care guide; every known topic must be there and no other."""
    path = Path(path)
    content = read_yaml_mapping(path)
    keys = ("time_question", "first_hours", "topics", "check_ins")
    unknown_keys = sorted(set(content) - set(keys))
    if unknown_keys:
        raise ConfigError(f"{path}: unknown key '{unknown_keys[0]}' (known keys: {', '.join(keys)})")
    raw_topics = content.get("topics")
    if not isinstance(raw_topics, dict) or not raw_topics:
        raise ConfigError(f"{path}: key 'topics' is missing or empty")
    known = set(known_topics)
    unknown = sorted(set(raw_topics) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown topic '{unknown[0]}' (known topics: {', '.join(sorted(known))})")
    missing = sorted(known - set(raw_topics))
    if missing:
        raise ConfigError(f"{path}: topic '{missing[0]}' is missing")
    topics = {name: _load_topic(path, name, raw) for name, raw in raw_topics.items()}
    _check_plan_labels(path, topics)
    return CareGuide(
        topics,
        _load_time_buttons(path, content.get("time_question")),
        _load_check_ins(path, content.get("check_ins")),
        _number(path, "'first_hours'", content.get("first_hours", 0)),
    )


def _check_plan_labels(path: Path, topics: dict[str, Topic]) -> None:
    """Each thing the plan lists becomes fine once, in one topic (else the plan would say two different times)."""
    seen: dict[str, str] = {}
    for topic in topics.values():
        for index, window in enumerate(topic.windows, start=1):
            for label in window.allows:
                if label.lower() in seen:
                    raise ConfigError(
                        f"{path}: topic '{topic.name}', window {index}: 'allows' names '{label}' again "
                        f"(already allowed in {seen[label.lower()]})"
                    )
                seen[label.lower()] = f"topic '{topic.name}', window {index}"
    reminders = [topic.name for topic in topics.values() for window in topic.windows if window.booking_reminder]
    if len(reminders) > 1:
        raise ConfigError(f"{path}: only one window may have 'booking_reminder: true' (found {len(reminders)})")


def hours_since(procedure_time: datetime, now: datetime) -> float:
    """Hours elapsed from the procedure to now."""
    return (now - procedure_time).total_seconds() / 3600


def describe_local_time(moment: datetime, now: datetime, timezone: str) -> str:
    """'around 2:15 pm today', '... tomorrow' or '... on Tue 1 Dec', rounded up to the next quarter hour."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    extra_minutes = (-local.minute) % 15
    local = (local + timedelta(minutes=extra_minutes)).replace(second=0, microsecond=0)
    clock = local.strftime("%I:%M %p").lstrip("0").lower().replace(":00 ", " ")
    days_ahead = (local.date() - now.astimezone(zone).date()).days
    if days_ahead == 0:
        day = "today"
    elif days_ahead == 1:
        day = "tomorrow"
    else:
        day = f"on {local.strftime('%a')} {local.day} {local.strftime('%b')}"
    return f"around {clock} {day}"


def advise(
    topic: Topic,
    procedure_time: datetime | None,
    now: datetime,
    timezone: str,
    details: dict[str, str],
    asked_in_general: bool = False,
    symptom_onset: datetime | None = None,
    intense: bool = False,
) -> Advice | None:
    """The guidance for `topic` at `now`, or None when it depends on a procedure time that is unknown.

    An escalating window escalates unless the question was `asked_in_general` (see `Advice.if_still_there`); a
    window with `escalate_if_intense` escalates an effect the patient says is `intense`.
    With the procedure time unknown, a `symptom_onset` ("bleeding since this morning") means the procedure was
    at least that long ago: enough to escalate on, never to reassure, so only an escalating window is returned.
    """
    if procedure_time is None and symptom_onset is not None and topic.needs_time:
        advice = advise(topic, symptom_onset, now, timezone, details, asked_in_general, intense=intense)
        return advice if advice is not None and advice.escalate else None
    if procedure_time is None:
        if topic.needs_time:
            return None
        window = topic.windows[0]
    else:
        window = topic.window_at(hours_since(procedure_time, now))
    until = ""
    if window.until_hours is not None and procedure_time is not None:
        until = describe_local_time(procedure_time + timedelta(hours=window.until_hours), now, timezone)
    text = window.text.format(until=until, **details)
    escalate = window.escalate or (window.escalate_if_intense and intense)
    if escalate and asked_in_general:
        return Advice(text, escalate=False, if_still_there=True)
    return Advice(text, escalate)

"""The aftercare programme of an enrolled patient: which messages the clinic sends, when, and what they say.

From the procedure time and the patient's time zone, the care guide (its check-ins, its milestones, its
next-session window) and clinic.yml's `programme:` settings, `Programme.schedule` lists every message: a welcome
with the patient's private link, the check-ins, the milestones the clinic marks as worth a message and the
next-session reminder. No message is ever due in the patient's quiet hours (their night, in their time zone):
a message that would fall there is moved to the end of the quiet hours, on the wall clock, so a change to or from
summer time moves nothing by an hour. Plain Python with no SQL and no SMTP: services/scheduler.py queues what is
due, the dispatcher delivers it.
"""

from __future__ import annotations

import math
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from aftercare.care_guide import CareGuide
from aftercare.plan import booking_message, booking_window, describe_hours, milestone_message, milestones
from aftercare.timestamps import UTC
from aftercare.yaml_files import ConfigError, read_yaml_mapping

if TYPE_CHECKING:  # aftercare.clinic reads the programme's settings from here
    from aftercare.clinic import Clinic

DEFAULT_RETENTION_DAYS = 60
DEFAULT_QUIET_HOURS = ("21:00", "08:00")
MESSAGES_FILE = Path(__file__).resolve().parent.parent / "content" / "en" / "programme_messages.yml"
MESSAGE_KINDS = ("welcome", "check_in", "milestone", "next_session")
MESSAGE_FIELDS = frozenset(
    {"first_name", "clinic_name", "phone", "emergency_number", "link", "elapsed", "news", "booking"}
)
# A milestone message is worth sending for a day after the milestone; a late enrolment skips older ones.
MILESTONE_RELEVANT_FOR = timedelta(hours=24)


class Enrolled(Protocol):
    """What the programme reads of an enrolment (storage/enrolments.py's `Enrolment`)."""

    procedure_time: datetime
    timezone: str
    first_name: str
    created_at: datetime


@dataclass(frozen=True)
class QuietHours:
    """The patient's night, on their wall clock: from `start` until `end` (crossing midnight when end < start)."""

    start: time
    end: time

    def contains(self, clock: time) -> bool:
        """Whether a wall-clock time falls in the quiet hours (`start` is quiet, `end` is not)."""
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime, timezone: str) -> datetime:
        """`moment` (aware) if it is outside the quiet hours in `timezone`, else when they end; in UTC."""
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        if not self.contains(local.time().replace(tzinfo=None)):
            return moment.astimezone(UTC)
        day: date = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)  # the quiet hours began this evening and end tomorrow morning
        # A wall-clock time skipped by the change to summer time resolves to the first moment after the gap.
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class ProgrammeSettings:
    """clinic.yml's `programme:`: how long data of an ended programme is kept, quiet hours, milestone messages."""

    retention_days: int = DEFAULT_RETENTION_DAYS
    quiet_hours: QuietHours = field(
        default_factory=lambda: QuietHours(*(time.fromisoformat(clock) for clock in DEFAULT_QUIET_HOURS))
    )
    milestone_hours: tuple[float, ...] = ()


def _clock(value: Any, where: str) -> time:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    try:
        parsed = time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f'{where} must be a time of day such as "21:00", not {value!r}')
    return parsed


def parse_programme_settings(raw: Any) -> ProgrammeSettings:
    """Reads clinic.yml's `programme:` mapping (absent: the defaults); ValueError naming the key that is wrong."""
    if raw is None:
        return ProgrammeSettings()
    if not isinstance(raw, dict):
        raise ValueError("'programme' must be a mapping (retention_days, quiet_hours, milestone_messages)")
    known = ("retention_days", "quiet_hours", "milestone_messages")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"unknown key 'programme.{unknown[0]}' (known keys: {', '.join(known)})")
    retention = raw.get("retention_days", DEFAULT_RETENTION_DAYS)
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 1:
        raise ValueError(f"'programme.retention_days' must be a whole number of days (1 or more), not {retention!r}")
    quiet = raw.get("quiet_hours", {"start": DEFAULT_QUIET_HOURS[0], "end": DEFAULT_QUIET_HOURS[1]})
    if not isinstance(quiet, dict) or set(quiet) != {"start", "end"}:
        raise ValueError("'programme.quiet_hours' must have exactly 'start' and 'end', e.g. {start: \"21:00\", ...}")
    quiet_hours = QuietHours(
        _clock(quiet["start"], "'programme.quiet_hours.start'"), _clock(quiet["end"], "'programme.quiet_hours.end'")
    )
    if quiet_hours.start == quiet_hours.end:
        raise ValueError("'programme.quiet_hours' start and end must differ")
    hours = raw.get("milestone_messages", [])
    if not isinstance(hours, list) or any(
        isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item) or item <= 0
        for item in hours
    ):
        raise ValueError(
            "'programme.milestone_messages' must be a list of hours after the treatment (care guide milestones)"
        )
    return ProgrammeSettings(retention, quiet_hours, tuple(sorted({float(item) for item in hours})))


@dataclass(frozen=True)
class MessageTexts:
    """The programme's message templates (content/en/programme_messages.yml)."""

    subjects: Mapping[str, str]
    texts: Mapping[str, str]
    email_footer: str
    sms_footer: str


def _template(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: '{where}' is missing or empty")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise ConfigError(f"{path}: '{where}' has a broken {{placeholder}} ({error})") from None
    unknown = sorted(names - MESSAGE_FIELDS)
    if unknown:
        raise ConfigError(f"{path}: '{where}': unknown placeholder {{{unknown[0]}}}")
    return value.strip()


def load_message_texts(path: str | Path = MESSAGES_FILE) -> MessageTexts:
    """Loads and checks the message templates; ConfigError naming the file and key."""
    path = Path(path)
    content = read_yaml_mapping(path)
    subjects, texts = {}, {}
    for kind in MESSAGE_KINDS:
        entry = content.get(kind)
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: '{kind}' must have a 'subject' and a 'text'")
        subjects[kind] = _template(path, f"{kind}.subject", entry.get("subject"))
        texts[kind] = _template(path, f"{kind}.text", entry.get("text"))
    return MessageTexts(
        subjects,
        texts,
        _template(path, "email_footer", content.get("email_footer")),
        _template(path, "sms_footer", content.get("sms_footer")),
    )


@dataclass(frozen=True)
class ScheduledMessage:
    """One message of the programme: its key (the same on every channel), when it is due (UTC) and its texts.

    `relevant_until`: past this moment the message is no longer sent (a check-in whose window has ended).
    """

    key: str
    due_at: datetime
    relevant_until: datetime | None
    subject: str
    text: str
    email_footer: str
    sms_footer: str

    @property
    def sms_text(self) -> str:
        """The text message: the text and the SMS footer (clinic, phone, how to stop)."""
        return f"{self.text}\n{self.sms_footer}"

    @property
    def email_text(self) -> str:
        """The email's plain text, before the unsubscribe link the delivery adds."""
        return f"{self.text}\n\n{self.email_footer}"

    def relevant_at(self, now: datetime) -> bool:
        """Whether the message is still worth sending at `now`."""
        return self.relevant_until is None or now < self.relevant_until


def _hours_key(hours: float) -> str:
    return f"{hours:g}h"


def _after_greeting(text: str) -> str:
    return text[:1].lower() + text[1:]


class Programme:
    """The schedule of every enrolled patient, from one clinic, its care guide and the message templates."""

    def __init__(
        self,
        guide: CareGuide,
        details: Mapping[str, str],
        settings: ProgrammeSettings,
        texts: MessageTexts,
        booking_url: str | None = None,
    ) -> None:
        """`details`: the clinic's contact details (Clinic.contact_details()); ConfigError for an unknown milestone."""
        self.guide = guide
        self.details = dict(details)
        self.settings = settings
        self.texts = texts
        self.booking_url = booking_url
        known = {milestone.hours: milestone for milestone in milestones(guide)}
        for hours in settings.milestone_hours:
            if hours not in known:
                listed = ", ".join(f"{value:g}" for value in sorted(known))
                raise ConfigError(
                    f"clinic.yml: 'programme.milestone_messages' names {hours:g} hours, which is not a milestone of "
                    f"the care guide (its milestones, in hours: {listed})"
                )
        self._milestones = [known[hours] for hours in settings.milestone_hours]

    def _message(
        self, enrolment: Enrolled, kind: str, key: str, due: datetime, until: datetime | None, **values: str
    ) -> ScheduledMessage:
        fields = {
            "first_name": enrolment.first_name,
            "link": "",
            "elapsed": "",
            "news": "",
            "booking": "",
            **self.details,
            **values,
        }
        return ScheduledMessage(
            key=key,
            due_at=self.settings.quiet_hours.next_allowed(due, enrolment.timezone),
            relevant_until=until,
            subject=self.texts.subjects[kind].format(**fields),
            text=self.texts.texts[kind].format(**fields),
            email_footer=self.texts.email_footer.format(**fields),
            sms_footer=self.texts.sms_footer.format(**fields),
        )

    def schedule(self, enrolment: Enrolled, link: str = "") -> list[ScheduledMessage]:
        """Every message of this patient's programme, in due order; `link` is the private link the welcome carries.

        The welcome is due on the day: at enrolment, or at the treatment when the patient was enrolled before it.
        """
        start = enrolment.procedure_time
        messages = [self._message(enrolment, "welcome", "welcome", max(enrolment.created_at, start), None, link=link)]
        for check_in in self.guide.check_ins:
            messages.append(
                self._message(
                    enrolment,
                    "check_in",
                    f"check_in:{_hours_key(check_in.from_hours)}",
                    start + timedelta(hours=check_in.from_hours),
                    start + timedelta(hours=check_in.until_hours),
                    elapsed=describe_hours(check_in.from_hours),
                )
            )
        for milestone in self._milestones:
            at = start + timedelta(hours=milestone.hours)
            news = milestone_message((milestone,)) or ""
            messages.append(
                self._message(
                    enrolment,
                    "milestone",
                    f"milestone:{_hours_key(milestone.hours)}",
                    at,
                    at + MILESTONE_RELEVANT_FOR,
                    news=_after_greeting(news),
                )
            )
        window = booking_window(self.guide)
        if window is not None:
            booking = booking_message(window, self.details, self.booking_url)
            messages.append(
                self._message(
                    enrolment,
                    "next_session",
                    "next_session",
                    start + timedelta(hours=window.from_hours),
                    None,
                    booking=_after_greeting(booking),
                )
            )
        # Nothing goes out before the welcome: a patient enrolled late gets it first, then what is still relevant.
        welcome = messages[0]
        later = [replace(message, due_at=max(message.due_at, welcome.due_at)) for message in messages[1:]]
        return [welcome, *sorted(later, key=lambda message: message.due_at)]

    def due(
        self, enrolment: Enrolled, now: datetime, sent_keys: Collection[str], link: str = ""
    ) -> list[ScheduledMessage]:
        """The messages to send now: due, still relevant, not sent yet, and `now` outside the quiet hours."""
        if self.in_quiet_hours(now, enrolment.timezone):
            return []
        return [
            message
            for message in self.schedule(enrolment, link)
            if message.due_at <= now and message.relevant_at(now) and message.key not in sent_keys
        ]

    def next_due(
        self, enrolment: Enrolled, now: datetime, sent_keys: Collection[str] = (), link: str = ""
    ) -> ScheduledMessage | None:
        """The next message this patient will get (due now or later), or None when the programme has no more."""
        return next(
            (
                message
                for message in self.schedule(enrolment, link)
                if message.key not in sent_keys and message.relevant_at(max(now, message.due_at))
            ),
            None,
        )

    def finished(self, enrolment: Enrolled, now: datetime, sent_keys: Collection[str]) -> bool:
        """Whether nothing is left to send: every message sent or no longer relevant."""
        return self.next_due(enrolment, now, sent_keys) is None

    def in_quiet_hours(self, now: datetime, timezone: str) -> bool:
        """Whether `now` is in the quiet hours in `timezone` (a queued message waits until they end)."""
        return self.settings.quiet_hours.next_allowed(now, timezone) != now.astimezone(UTC)

    def message(self, enrolment: Enrolled, key: str, link: str = "") -> ScheduledMessage | None:
        """One message of this patient's schedule by its key (what the dispatcher delivers), or None."""
        return next((message for message in self.schedule(enrolment, link) if message.key == key), None)


def clinic_programme(clinic: Clinic, guide: CareGuide) -> Programme:
    """The programme of one clinic: its care guide, contact details, programme settings and the message texts."""
    return Programme(guide, clinic.contact_details(), clinic.programme, load_message_texts(), clinic.booking_url)

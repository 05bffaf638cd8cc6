"""What an enrolment request must hold: each field checked, with an error that names the field.

Used by both ways in: a booking system's `POST /enrolments` (JSON) and the staff console's form. An error's text
names the field and the rule, never the value sent (it is patient data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aftercare.care_guide import CareGuide
from aftercare.plan import booking_window
from aftercare.timestamps import is_valid_timezone, load_timezone, parse_timestamp

FIELDS = ("first_name", "email", "mobile", "procedure_time", "timezone", "consent")
MAX_FIRST_NAME_CHARACTERS = 100
MAX_EMAIL_CHARACTERS = 254
# How far ahead of the server's clock a treatment time may be: the booking system's clock may run a little fast.
FUTURE_TOLERANCE = timedelta(minutes=5)
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FieldError(ValueError):
    """A request field that is missing or wrong; `field` names it, the message says what it must be."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EnrolmentRequest:
    """A checked request: everything the store needs, in its types."""

    first_name: str
    email: str | None
    mobile: str | None
    procedure_time: datetime
    timezone: str


def programme_length(guide: CareGuide) -> timedelta:
    """From the treatment to the programme's last message: the next-session reminder, else the last check-in."""
    window = booking_window(guide)
    hours = [window.from_hours] if window is not None else []
    hours += [check_in.until_hours for check_in in guide.check_ins]
    return timedelta(hours=max(hours, default=14 * 24))


def _optional_text(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"{field} must be text")
    return value.strip() or None


def read_enrolment_request(
    body: Any, now: datetime, length: timedelta, local_times_in_timezone: bool = False
) -> EnrolmentRequest:
    """The checked request; FieldError naming the first wrong field.

    `length` is the programme's (see programme_length): a treatment longer ago than that has nothing left to send.
    With `local_times_in_timezone` (the console's form, whose time field has no offset), a procedure time without
    an offset is read in the request's time zone.
    """
    if not isinstance(body, dict):
        raise FieldError("body", f"the body must be a JSON object with the keys {', '.join(FIELDS)}")
    unknown = sorted(str(key)[:40] for key in body if key not in FIELDS)
    if unknown:
        raise FieldError(unknown[0], f"unknown field {unknown[0]!r}: the fields are {', '.join(FIELDS)}")

    first_name = _optional_text(body, "first_name")
    if first_name is None:
        raise FieldError("first_name", "first_name is required")
    if len(first_name) > MAX_FIRST_NAME_CHARACTERS or _CONTROL.search(first_name):
        raise FieldError("first_name", f"first_name must be at most {MAX_FIRST_NAME_CHARACTERS} printable characters")

    email = _optional_text(body, "email")
    if email is not None and (len(email) > MAX_EMAIL_CHARACTERS or not _EMAIL.fullmatch(email)):
        raise FieldError("email", "email must be an email address, e.g. anna@example.com")
    mobile = _optional_text(body, "mobile")
    if mobile is not None and not _E164.fullmatch(mobile):
        raise FieldError("mobile", "mobile must be an E.164 number: + and country code, no spaces, e.g. +14155550100")
    if email is None and mobile is None:
        raise FieldError("email", "give an email or a mobile number (or both), so the patient can be reached")

    timezone = body.get("timezone")
    if not isinstance(timezone, str) or not is_valid_timezone(timezone.strip()):
        raise FieldError("timezone", "timezone must be an IANA time zone name, e.g. America/New_York")
    timezone = timezone.strip()

    procedure_time = _procedure_time(body.get("procedure_time"), timezone, local_times_in_timezone)
    if procedure_time > now + FUTURE_TOLERANCE:
        raise FieldError("procedure_time", "procedure_time is in the future: enrol a patient after the treatment")
    if procedure_time < now - length:
        days = length.days
        raise FieldError("procedure_time", f"procedure_time is more than {days} days ago: the programme is over")

    if body.get("consent") is not True:
        raise FieldError("consent", "consent must be true: enrol only a patient who agreed to receive messages")
    return EnrolmentRequest(first_name, email, mobile, procedure_time, timezone)


def _procedure_time(value: Any, timezone: str, local_times_in_timezone: bool) -> datetime:
    example = "e.g. 2026-03-02T10:30:00-05:00"
    if not isinstance(value, str) or not value.strip():
        raise FieldError("procedure_time", f"procedure_time is required: ISO 8601 with an offset, {example}")
    try:
        return parse_timestamp(value)
    except ValueError:
        pass
    if local_times_in_timezone:
        try:
            local = datetime.fromisoformat(value.strip())
        except ValueError:
            local = None
        if local is not None and local.tzinfo is None:
            return parse_timestamp(local.replace(tzinfo=load_timezone(timezone)).isoformat())
    raise FieldError("procedure_time", f"procedure_time must be ISO 8601 with an offset, {example}")

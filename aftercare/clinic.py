"""The clinic's details from `clinic.yml`, validated so a typo stops start-up instead of reaching a patient."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aftercare.opening_hours import OpeningHours, OpeningHoursError, parse_opening_hours
from aftercare.programme import ProgrammeSettings, parse_programme_settings
from aftercare.timestamps import DATE_ORDERS, is_valid_timezone, load_timezone
from aftercare.yaml_files import ConfigError, read_yaml_mapping

__all__ = ["Clinic", "ConfigError", "clinic_file", "load_clinic"]

REQUIRED_KEYS = ("clinic_name", "injector_name", "phone", "timezone")
OPTIONAL_KEYS = ("emergency_number", "date_order", "care_guide", "closed_dates", "address")
# Links patients may follow: https only (http for a clinic testing on localhost), so a typo cannot send them elsewhere.
LINK_KEYS = ("booking_url", "prices_url")
STRUCTURED_KEYS = ("opening_hours", "programme")


@dataclass(frozen=True)
class Clinic:
    """Who the patient should contact, and how to read and show times for this clinic."""

    clinic_name: str
    injector_name: str
    phone: str
    opening_hours: OpeningHours
    emergency_number: str
    timezone: str
    date_order: str
    care_guide: Path
    address: str | None = None
    booking_url: str | None = None
    prices_url: str | None = None
    # The aftercare programme of enrolled patients: retention, quiet hours, milestone messages.
    programme: ProgrammeSettings = field(default_factory=ProgrammeSettings)

    @property
    def hours(self) -> str:
        """The opening hours as patients read them, written from `opening_hours` (e.g. "Mon-Fri 9am-6pm")."""
        return self.opening_hours.describe()

    def contact_details(self) -> dict[str, str]:
        """The values reply templates may use: {clinic_name}, {injector_name}, {phone}, {hours}, ..."""
        return {
            "clinic_name": self.clinic_name,
            "injector_name": self.injector_name,
            "phone": self.phone,
            "hours": self.hours,
            "emergency_number": self.emergency_number,
        }


def _text(path: Path, content: dict[str, Any], key: str, default: str | None = None) -> str:
    value = content.get(key, default)
    if value is None:
        raise ConfigError(f"{path}: key '{key}' is missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ConfigError(f"{path}: key '{key}' must be a non-empty text, not {value!r}")
    return str(value).strip()


def _optional_text(path: Path, content: dict[str, Any], key: str) -> str | None:
    return _text(path, content, key) if content.get(key) is not None else None


def _link(path: Path, content: dict[str, Any], key: str) -> str | None:
    value = _optional_text(path, content, key)
    if value is None:
        return None
    parts = urlsplit(value)
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    if not (parts.scheme == "https" or local) or not parts.hostname or any(char.isspace() for char in value):
        raise ConfigError(f"{path}: key '{key}' must be a web address starting with https://, not '{value}'")
    return value


def clinic_file() -> Path:
    """The clinic file every server reads: CLINIC_FILE, else clinic.yml (relative to where it runs)."""
    return Path(os.environ.get("CLINIC_FILE", "").strip() or "clinic.yml")


def load_clinic(path: str | Path = "clinic.yml") -> Clinic:
    """Loads and validates the clinic file; the care guide path is resolved next to it."""
    path = Path(path)
    content = read_yaml_mapping(path)
    if "hours" in content:
        raise ConfigError(
            f"{path}: key 'hours' is replaced by 'opening_hours' (per weekday, e.g. monday: 09:00-18:00), from "
            "which the assistant writes the hours it tells patients"
        )
    known = REQUIRED_KEYS + STRUCTURED_KEYS + OPTIONAL_KEYS + LINK_KEYS
    unknown = sorted(set(content) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: {', '.join(known)})")
    values = {key: _text(path, content, key) for key in REQUIRED_KEYS}
    emergency_number = _text(path, content, "emergency_number", default="911")
    if not is_valid_timezone(values["timezone"]):
        raise ConfigError(
            f"{path}: key 'timezone' is '{values['timezone']}', not an IANA time zone name "
            "such as Europe/London or America/New_York"
        )
    date_order = _text(path, content, "date_order", default="MDY").upper()
    if date_order not in DATE_ORDERS:
        raise ConfigError(f"{path}: key 'date_order' must be one of {', '.join(DATE_ORDERS)}, not '{date_order}'")
    care_guide = path.parent / _text(path, content, "care_guide", default="care_guide.yml")
    try:
        opening_hours = parse_opening_hours(
            content.get("opening_hours"), content.get("closed_dates"), load_timezone(values["timezone"])
        )
    except OpeningHoursError as error:
        raise ConfigError(f"{path}: {error}") from None
    try:
        programme = parse_programme_settings(content.get("programme"))
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from None
    return Clinic(
        programme=programme,
        opening_hours=opening_hours,
        emergency_number=emergency_number,
        date_order=date_order,
        care_guide=care_guide,
        address=_optional_text(path, content, "address"),
        booking_url=_link(path, content, "booking_url"),
        prices_url=_link(path, content, "prices_url"),
        **values,
    )

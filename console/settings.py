"""The console's settings, from the environment; a wrong one stops start-up naming the variable.

| variable | meaning |
|---|---|
| CONSOLE_HOST | where it listens (127.0.0.1); 0.0.0.0 only behind a reverse proxy that adds TLS |
| CONSOLE_PORT | its port (8090) |
| CONSOLE_SECURE_COOKIES | 1: the session cookie is Secure (set it behind TLS; X-Forwarded-Proto: https does too) |
| TRACKER_STORE_URL | the conversations' database (sqlite:///conversations.db; or POSTGRES_*: storage/database.py) |
| CLINIC_FILE | the clinic's details, for its name and time zone (clinic.yml) |
| ENROLMENT_TOKEN | the bearer token of POST /enrolments (16+ characters; unset: the endpoint answers 503) |
| CLINIC_PAGE_URL | the clinic's page with the chat widget, where private links lead (http://localhost:$DEMO_PORT/) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aftercare.clinic import Clinic, ConfigError, clinic_file, load_clinic
from aftercare.environment import DEFAULTS, SettingError, read_port
from aftercare.secret_files import SecretError, read_token
from storage.database import database_url

DEFAULT_PORT = int(DEFAULTS["CONSOLE_PORT"])


@dataclass(frozen=True)
class ConsoleSettings:
    host: str
    port: int
    secure_cookies: bool
    database_url: str
    clinic: Clinic
    enrolment_token: str = ""
    clinic_page_url: str = f"http://localhost:{DEFAULTS['DEMO_PORT']}/"


def read_console_settings(environ: Mapping[str, str]) -> ConsoleSettings:
    """The console's settings in `environ`; SettingError naming the variable for a wrong one."""
    port = read_port(environ, "CONSOLE_PORT", DEFAULT_PORT)
    secure = environ.get("CONSOLE_SECURE_COOKIES", "").strip().lower()
    if secure not in ("", "0", "1"):
        raise SettingError(f"CONSOLE_SECURE_COOKIES must be 1 or 0, not {secure!r}")
    try:
        clinic = load_clinic(clinic_file())
    except ConfigError as error:
        raise SettingError(str(error)) from None
    try:
        enrolment_token = read_token(environ, "ENROLMENT_TOKEN")
    except SecretError as error:
        raise SettingError(str(error)) from None
    demo_port = environ.get("DEMO_PORT", "").strip() or DEFAULTS["DEMO_PORT"]
    page_url = environ.get("CLINIC_PAGE_URL", "").strip() or f"http://localhost:{demo_port}/"
    if not page_url.startswith(("http://", "https://")):
        raise SettingError(f"CLINIC_PAGE_URL must be an http(s) URL, not {page_url!r}")
    return ConsoleSettings(
        host=environ.get("CONSOLE_HOST", "").strip() or "127.0.0.1",
        port=port,
        secure_cookies=secure == "1",
        database_url=database_url(environ),
        clinic=clinic,
        enrolment_token=enrolment_token,
        clinic_page_url=page_url,
    )

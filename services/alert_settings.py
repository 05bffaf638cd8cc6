"""Where the clinic's alerts go, read from the environment; a wrong setting stops start-up, naming the variable.

| variable | meaning |
|---|---|
| ALERT_WEBHOOK_URL | http(s) URL that receives a signed POST per alert |
| ALERT_WEBHOOK_SECRET | the key of the `X-Aftercare-Signature` HMAC; required with the URL (16+ characters) |
| SMTP_HOST, SMTP_PORT | the mail server (port default 587) |
| SMTP_USERNAME, SMTP_PASSWORD | sign-in, when the server needs one (both or neither) |
| SMTP_STARTTLS | 1 (default): STARTTLS before signing in; 0 only for a mail server on this machine |
| ALERT_EMAIL_FROM, ALERT_EMAIL_TO | sender, and recipients separated by commas; both required with SMTP_HOST |
| ALERT_INCLUDE_DETAILS | 1 adds the triggering message and level to escalation alerts (off: no health details) |
| CONSOLE_URL | the staff console's address, for the link in each alert (default http://localhost:8090) |
| CONSOLE_ALERTS | 1 (default): every alert is also stored for the staff console's inbox; 0: only the channels above |
| TRACKER_STORE_URL or POSTGRES_* | the conversations' database, which also holds the outbox (storage/database.py) |

    python -m services.alert_settings     prints where alerts go (exit 2 with the reason when a setting is wrong)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit, urlunsplit

from aftercare.environment import DEFAULTS, SettingError, read_flag, read_port
from aftercare.secret_files import SecretError, load_secret_files
from aftercare.staff.links import conversation_path
from storage.database import database_url

DEFAULT_CONSOLE_URL = f"http://localhost:{DEFAULTS['CONSOLE_PORT']}"
DEFAULT_SMTP_PORT = 587
MIN_SECRET_LENGTH = 16
# The secrets alert senders read, each of which may come from NAME_FILE (Docker secrets).
ALERT_SECRETS = ("ALERT_WEBHOOK_SECRET", "SMTP_PASSWORD", "POSTGRES_PASSWORD")
# The channels a dispatcher delivers on, in the order they are tried (the console's inbox needs no delivery).
DELIVERY_CHANNELS = ("webhook", "email")


def url_for_logs(url: str) -> str:
    """A URL as a log may show it: its scheme, host and path, without a query, sign-in or fragment.

    A webhook's address often carries its receiver's credentials (`?token=...`, `user:password@`).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the clinic's mail server and whom to write to."""

    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class AlertSettings:
    """The alert channels in use (none: alerts are off) and what an alert may contain."""

    webhook_url: str
    webhook_secret: str
    smtp: SmtpSettings | None
    include_details: bool
    console_url: str
    database_url: str
    console: bool = True

    @property
    def channels(self) -> tuple[str, ...]:
        """The delivery channels configured, in the order of DELIVERY_CHANNELS."""
        configured = {"webhook": bool(self.webhook_url), "email": self.smtp is not None}
        return tuple(channel for channel in DELIVERY_CHANNELS if configured[channel])

    @property
    def enabled(self) -> bool:
        """Whether alerts are pushed to the clinic (a webhook or email): what callbacks and the dispatcher need."""
        return bool(self.channels)

    @property
    def stored_channels(self) -> tuple[str, ...]:
        """The channels an alert is stored for: the delivery channels, and the staff console's inbox."""
        return self.channels + (("console",) if self.console else ())

    def describe(self) -> str:
        """One line for start-up: where alerts go, or that they are off."""
        if not self.enabled:
            inbox = " The staff console's inbox lists every alert." if self.console else ""
            return (
                "Alerts to the clinic are off: set ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET, or SMTP_HOST with "
                "ALERT_EMAIL_FROM and ALERT_EMAIL_TO (README, Alerts and callbacks)." + inbox
            )
        where = []
        if self.webhook_url:
            where.append(f"a signed POST to {url_for_logs(self.webhook_url)}")
        if self.smtp:
            where.append(f"email to {', '.join(self.smtp.recipients)} via {self.smtp.host}:{self.smtp.port}")
        details = "with the triggering message" if self.include_details else "without health details"
        return f"Alerts to the clinic: {' and '.join(where)}, {details}."

    def console_link(self, conversation_id: str) -> str:
        """Where staff open one conversation in the console."""
        return self.console_url + conversation_path(conversation_id)


def _http_url(environ: Mapping[str, str], name: str, default: str = "") -> str:
    value = environ.get(name, "").strip() or default
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingError(f"{name} must be an http:// or https:// URL such as https://clinic.example/hook")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise SettingError(f"{name} has a port that is not a number") from None
    return value.rstrip("/") if name == "CONSOLE_URL" else value


def _address(value: str, name: str) -> str:
    _, address = parseaddr(value)
    local, _, domain = address.partition("@")
    if not local or "." not in domain or " " in address:
        raise SettingError(f"{name}: {value.strip()!r} is not an email address such as clinic@example.org")
    return value.strip()


def _smtp(environ: Mapping[str, str]) -> SmtpSettings | None:
    host = environ.get("SMTP_HOST", "").strip()
    related = ("SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "ALERT_EMAIL_FROM", "ALERT_EMAIL_TO")
    if not host:
        given = [name for name in related if environ.get(name, "").strip()]
        if given:
            raise SettingError(f"{given[0]} is set but SMTP_HOST is not: set SMTP_HOST to send alert emails")
        return None
    port = read_port(environ, "SMTP_PORT", DEFAULT_SMTP_PORT)
    username, password = environ.get("SMTP_USERNAME", "").strip(), environ.get("SMTP_PASSWORD", "")
    if bool(username) != bool(password):
        missing = "SMTP_PASSWORD" if username else "SMTP_USERNAME"
        raise SettingError(f"{missing} is missing: give both SMTP_USERNAME and SMTP_PASSWORD, or neither")
    sender = environ.get("ALERT_EMAIL_FROM", "").strip()
    if not sender:
        raise SettingError("ALERT_EMAIL_FROM is missing: SMTP_HOST is set, so alert emails need a sender")
    recipients = [part.strip() for part in environ.get("ALERT_EMAIL_TO", "").split(",") if part.strip()]
    if not recipients:
        raise SettingError("ALERT_EMAIL_TO is missing: SMTP_HOST is set, so alert emails need a recipient")
    return SmtpSettings(
        host=host,
        port=port,
        username=username,
        password=password,
        starttls=read_flag(environ, "SMTP_STARTTLS", default=True),
        sender=_address(sender, "ALERT_EMAIL_FROM"),
        recipients=tuple(_address(recipient, "ALERT_EMAIL_TO") for recipient in recipients),
    )


def settings_from_environment() -> AlertSettings:
    """The process's alert settings, with their secrets read from NAME_FILE where given; SettingError."""
    try:
        load_secret_files(os.environ, ALERT_SECRETS)
    except SecretError as error:
        raise SettingError(str(error)) from None
    return read_alert_settings(os.environ)


def read_alert_settings(environ: Mapping[str, str]) -> AlertSettings:
    """The alert settings in `environ`; SettingError naming the variable for a wrong one."""
    webhook_url = _http_url(environ, "ALERT_WEBHOOK_URL")
    secret = environ.get("ALERT_WEBHOOK_SECRET", "").strip()
    if webhook_url and not secret:
        raise SettingError("ALERT_WEBHOOK_SECRET is missing: the webhook's receiver checks each alert with it")
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise SettingError(f"ALERT_WEBHOOK_SECRET must be at least {MIN_SECRET_LENGTH} characters long")
    if secret and not webhook_url:
        raise SettingError("ALERT_WEBHOOK_SECRET is set but ALERT_WEBHOOK_URL is not")
    return AlertSettings(
        webhook_url=webhook_url,
        webhook_secret=secret,
        smtp=_smtp(environ),
        include_details=read_flag(environ, "ALERT_INCLUDE_DETAILS", default=False),
        console_url=_http_url(environ, "CONSOLE_URL", DEFAULT_CONSOLE_URL),
        database_url=database_url(environ),
        console=read_flag(environ, "CONSOLE_ALERTS", default=True),
    )


def main() -> int:
    """Prints where alerts go; exit 2 with the reason when a setting is wrong."""
    try:
        print(settings_from_environment().describe())
    except SettingError as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

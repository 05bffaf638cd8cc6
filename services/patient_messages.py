"""The programme's messages to enrolled patients: where they go (environment), and delivering one by email or SMS.

| variable | meaning |
|---|---|
| SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS | the mail server, as the alerts use it |
| PATIENT_EMAIL_FROM | the sender of patients' emails (default ALERT_EMAIL_FROM) |
| TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER | text messages through Twilio (all three, or none) |
| TWILIO_API_URL | tests only: the base URL of a local server speaking Twilio's API (default: Twilio's own) |
| CONSOLE_PUBLIC_URL | the console's address as patients reach it, for the unsubscribe link (default CONSOLE_URL) |
| CLINIC_PAGE_URL | the clinic's page with the chat widget, where the private link leads (localhost:$DEMO_PORT) |

The outbox row of a patient message holds only the enrolment's id, the message key and the channel: the address
and the text are read from the enrolment store at delivery time, so a stopped or purged enrolment gets nothing
(even a message already queued), and nothing about the patient stays in the outbox after the programme's data is
deleted. Logs name the enrolment id and message key, never an address or a text.
"""

from __future__ import annotations

import hashlib
import html
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aftercare.care_guide import domain_topics, load_care_guide
from aftercare.clinic import clinic_file, load_clinic
from aftercare.enrolment_links import link_expiry, link_token, unsubscribe_token
from aftercare.enrolment_request import programme_length
from aftercare.environment import DEFAULTS, SettingError
from aftercare.programme import Programme, ScheduledMessage, clinic_programme
from aftercare.session_ids import SecretError, load_secret, secret_file_for
from services.alert_settings import SmtpSettings, read_alert_settings, url_for_logs
from services.delivery import TIMEOUT_SECONDS, DeliveryError, submit_email
from storage.enrolments import EnrolmentStore
from storage.enrolments import connect as connect_enrolments

PATIENT_CHANNELS = ("email", "sms")


def message_id(enrolment_id: str, message_key: str, channel: str) -> str:
    """The outbox id of one scheduled message on one channel: the same in every replica and after every restart."""
    return hashlib.sha256(f"{enrolment_id}\n{message_key}\n{channel}".encode()).hexdigest()


@dataclass(frozen=True)
class TwilioSettings:
    """Twilio's Messages API: the account, its token, the sending number, and the API's base URL."""

    account_sid: str
    auth_token: str
    from_number: str
    api_url: str = ""


@dataclass(frozen=True)
class PatientMessageSettings:
    """Where patient messages go (email over SMTP, SMS through Twilio; neither: the programme's messages are off)."""

    smtp: SmtpSettings | None
    email_from: str
    twilio: TwilioSettings | None
    console_public_url: str
    clinic_page_url: str
    database_url: str

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels configured, in the order of PATIENT_CHANNELS."""
        return tuple(channel for channel, on in (("email", self.smtp), ("sms", self.twilio)) if on)

    def describe(self) -> str:
        """One line for start-up: where the programme's messages go, or that they are off."""
        if not self.channels:
            return (
                "Messages to enrolled patients are off: set SMTP_HOST (with ALERT_EMAIL_FROM) for email, or "
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER for text messages (README, Scheduled "
                "messages)."
            )
        where = []
        if self.smtp:
            where.append(f"email to each patient via SMTP host {self.smtp.host}:{self.smtp.port}")
        if self.twilio:
            api = f" at {url_for_logs(self.twilio.api_url)}" if self.twilio.api_url else ""
            where.append(f"SMS from {self.twilio.from_number} via Twilio{api}")
        return f"Messages to enrolled patients: {' and '.join(where)}."


def read_patient_message_settings(environ: Mapping[str, str]) -> PatientMessageSettings:
    """The patient-message settings in `environ`; SettingError naming the variable for a wrong one."""
    alerts = read_alert_settings(environ)
    names = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
    values = {name: environ.get(name, "").strip() for name in names}
    twilio = None
    if any(values.values()):
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise SettingError(f"{missing[0]} is missing: text messages need all of {', '.join(names)}")
        if not values["TWILIO_FROM_NUMBER"].startswith("+") or not values["TWILIO_FROM_NUMBER"][1:].isdigit():
            raise SettingError("TWILIO_FROM_NUMBER must be a number in E.164 form, such as +14155550100")
        api_url = environ.get("TWILIO_API_URL", "").strip().rstrip("/")
        if api_url and not api_url.startswith(("http://", "https://")):
            raise SettingError("TWILIO_API_URL must be an http:// or https:// URL")
        twilio = TwilioSettings(*values.values(), api_url=api_url)
    email_from = environ.get("PATIENT_EMAIL_FROM", "").strip() or (alerts.smtp.sender if alerts.smtp else "")
    page_url = environ.get("CLINIC_PAGE_URL", "").strip()
    page_url = page_url or f"http://localhost:{environ.get('DEMO_PORT') or DEFAULTS['DEMO_PORT']}/"
    if not page_url.startswith(("http://", "https://")):
        raise SettingError("CLINIC_PAGE_URL must be an http:// or https:// URL")
    public_url = environ.get("CONSOLE_PUBLIC_URL", "").strip().rstrip("/") or alerts.console_url
    if not public_url.startswith(("http://", "https://")):
        raise SettingError("CONSOLE_PUBLIC_URL must be an http:// or https:// URL")
    return PatientMessageSettings(alerts.smtp, email_from, twilio, public_url, page_url, alerts.database_url)


class Links:
    """A patient's private link (the clinic's page, opening their conversation) and unsubscribe link."""

    def __init__(self, secret: bytes, clinic_page_url: str, console_public_url: str) -> None:
        self.secret = secret
        self.clinic_page_url = clinic_page_url
        self.console_public_url = console_public_url

    @classmethod
    def from_settings(cls, settings: PatientMessageSettings, environ: Mapping[str, str] = os.environ) -> Links:
        """With the secret that signs conversation ids (SESSION_SECRET, or the file beside the tracker store)."""
        try:
            secret = load_secret(environ, secret_file_for(settings.database_url, Path.cwd()))
        except SecretError as error:
            raise SettingError(str(error)) from None
        return cls(secret, settings.clinic_page_url, settings.console_public_url)

    def private_link(self, enrolment: Any, programme_length: timedelta) -> str:
        """The link to the clinic's page in this patient's conversation, valid until after the programme.

        The console's link for the same patient expires at the same moment (the same `link_expiry`).
        """
        expires = link_expiry(enrolment.procedure_time, programme_length)
        separator = "&" if "?" in self.clinic_page_url else "?"
        token = link_token(enrolment.id, expires, self.secret)
        return f"{self.clinic_page_url}{separator}{urlencode({'aftercare': token})}"

    def unsubscribe_link(self, enrolment_id: str) -> str:
        """Where the patient stops every message with one click and a confirmation."""
        return f"{self.console_public_url}/unsubscribe/{unsubscribe_token(enrolment_id, self.secret)}"


def send_patient_email(
    smtp: SmtpSettings,
    sender: str,
    to: str,
    message: ScheduledMessage,
    unsubscribe: str,
    outbox_id: str,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """Sends one programme email (text and HTML, with the unsubscribe link); DeliveryError when not taken."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = message.subject
    email["Message-ID"] = f"<{outbox_id}@aftercare.programme>"
    email["List-Unsubscribe"] = f"<{unsubscribe}>"
    email.set_content(f"{message.email_text}\n\nStop these emails: {unsubscribe}\n")
    paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in (message.text, message.email_footer))
    link = f'<p><a href="{html.escape(unsubscribe)}">Stop these emails</a></p>'
    email.add_alternative(f"<!doctype html><html><body>{paragraphs}{link}</body></html>", subtype="html")
    submit_email(smtp, email, timeout)


def send_sms(twilio: TwilioSettings, to: str, text: str, timeout: float = TIMEOUT_SECONDS) -> str:
    """Sends one text message through Twilio's Messages API; the message's sid, or DeliveryError."""
    from twilio.base.exceptions import TwilioException, TwilioRestException
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(twilio.account_sid, twilio.auth_token, http_client=TwilioHttpClient(timeout=timeout))
    if twilio.api_url:
        client.api.base_url = twilio.api_url
    try:
        return client.messages.create(to=to, from_=twilio.from_number, body=text).sid
    except TwilioRestException as error:
        raise DeliveryError(f"Twilio answered HTTP {error.status}") from None
    except (TwilioException, OSError) as error:
        raise DeliveryError(f"Twilio could not be reached ({type(error).__name__})") from None


@dataclass(frozen=True)
class NotSent:
    """A patient message that did not go out and must not be retried as a failure.

    `retry_at` (UTC): when it may go out (the end of the patient's quiet hours); None: never (cancelled).
    """

    reason: str
    retry_at: datetime | None = None


class PatientMessenger:
    """Delivers one queued patient message, deciding at delivery time whether it may still go out."""

    def __init__(
        self,
        settings: PatientMessageSettings,
        store: Any,
        programme: Programme,
        links: Links,
        clock: Callable[[], datetime],
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        """`store`: the EnrolmentStore; `clock`: the current moment (aware)."""
        self.settings = settings
        self.store = store
        self.programme = programme
        self.links = links
        self.clock = clock
        self.timeout = timeout

    def scheduled(self, enrolment: Any) -> list[ScheduledMessage]:
        """The patient's schedule, the welcome carrying their private link."""
        link = self.links.private_link(enrolment, programme_length(self.programme.guide))
        return self.programme.schedule(enrolment, link)

    def deliver(self, payload: Mapping[str, Any], outbox_id: str) -> NotSent | None:
        """Sends one message (None); NotSent when it must wait or never go out; DeliveryError to retry later."""
        enrolment = self.store.get(payload["enrolment_id"])
        key, channel = payload["message_key"], payload["channel"]
        if enrolment is None or enrolment.stopped_at is not None:
            return NotSent("the patient's messages have stopped")
        now = self.clock()
        if (key, channel) in {
            (sent_key, sent_channel) for sent_key, sent_channel, _ in self.store.history(enrolment.id)
        }:
            return None  # sent by an attempt that stopped before the outbox heard of it
        if self.programme.in_quiet_hours(now, enrolment.timezone):
            quiet = self.programme.settings.quiet_hours
            return NotSent("the patient's quiet hours", quiet.next_allowed(now, enrolment.timezone))
        message = next((item for item in self.scheduled(enrolment) if item.key == key), None)
        if message is None or not message.relevant_at(now):
            return NotSent("the message is no longer part of the programme")
        if channel == "email" and self.settings.smtp and enrolment.email:
            unsubscribe = self.links.unsubscribe_link(enrolment.id)
            send_patient_email(
                self.settings.smtp,
                self.settings.email_from,
                enrolment.email,
                message,
                unsubscribe,
                outbox_id,
                self.timeout,
            )
        elif channel == "sms" and self.settings.twilio and enrolment.mobile:
            send_sms(self.settings.twilio, enrolment.mobile, message.sms_text, self.timeout)
        else:
            raise DeliveryError(f"the {channel} channel is not configured for patient messages")
        self.store.record_sent(enrolment.id, key, channel, self.clock())
        return None

    def wait_seconds(self, until: datetime) -> float:
        """How long a postponed message waits, in seconds (at least one)."""
        return max((until - self.clock()) / timedelta(seconds=1), 1.0)


def load_programme() -> tuple[Programme, int]:
    """The programme from clinic.yml (CLINIC_FILE), its care guide and the message texts; and the retention days.

    ConfigError naming the file and key when one is wrong.
    """
    clinic = load_clinic(clinic_file())
    guide = load_care_guide(clinic.care_guide, domain_topics(Path("domain.yml")))
    programme = clinic_programme(clinic, guide)
    return programme, clinic.programme.retention_days


def messenger_from_environment(settings: PatientMessageSettings, clock: Callable[[], datetime]) -> PatientMessenger:
    """The messenger the dispatcher delivers patient messages with; SettingError or ConfigError when wrong."""
    programme, _ = load_programme()
    store = EnrolmentStore(connect_enrolments(settings.database_url))
    return PatientMessenger(settings, store, programme, Links.from_settings(settings), clock)


def main() -> int:
    """Prints where the programme's messages go; exit 2 with the reason when a setting is wrong."""
    try:
        print(read_patient_message_settings(os.environ).describe())
    except SettingError as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The programme's messages end to end: scheduler, outbox and dispatcher against a real SMTP server and the Twilio
stand-in, the clock injected and walked through two days in half-hour steps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from aftercare.enrolment_links import read_link_token, read_unsubscribe_token
from services.alert_settings import read_alert_settings
from services.dispatcher import dispatch_once
from services.patient_messages import Links, PatientMessenger, load_programme, read_patient_message_settings
from services.scheduler import Scheduler
from storage.enrolments import EnrolmentStore
from storage.enrolments import connect as connect_enrolments
from storage.outbox import CANCELLED, DELIVERED, PENDING, Outbox, connect, deliveries
from tests.alerts.receivers import MailServer
from tests.twilio_stand_in import TwilioStandIn

NEW_YORK = ZoneInfo("America/New_York")
SECRET = "scheduled-messages-test-secret-0123456789"
SID, TOKEN, FROM = "AC" + "0" * 32, "twilio-test-token", "+15550001111"
PUBLIC = "https://console.glowskin.example"
PAGE = "https://glowskin.example/aftercare"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def mail():
    with MailServer() as server:
        yield server


@pytest.fixture
def twilio():
    stand_in = TwilioStandIn(SID, TOKEN).start()
    yield stand_in
    stand_in.stop()


def environment(database: str, mail: MailServer, twilio: TwilioStandIn | None) -> dict[str, str]:
    environ = {
        "TRACKER_STORE_URL": database,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "SMTP_STARTTLS": "0",
        "ALERT_EMAIL_FROM": "aftercare@glowskin.example",
        "ALERT_EMAIL_TO": "team@glowskin.example",
        "SESSION_SECRET": SECRET,
        "CONSOLE_PUBLIC_URL": PUBLIC,
        "CLINIC_PAGE_URL": PAGE,
    }
    if twilio is not None:
        environ |= {
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": FROM,
            "TWILIO_API_URL": twilio.url,
        }
    return environ


class Clinic:
    """The scheduler and an in-process dispatcher over one database, on the injected clock."""

    def __init__(self, database: str, environ: dict[str, str], clock: Clock) -> None:
        settings = read_patient_message_settings(environ)
        programme, retention = load_programme()
        self.clock = clock
        self.store = EnrolmentStore(connect_enrolments(database))
        self.outbox = Outbox(connect(database))
        self.alert_settings = read_alert_settings(environ)
        links = Links(SECRET.encode(), PAGE, PUBLIC)
        self.messenger = PatientMessenger(settings, self.store, programme, links, clock)
        self.scheduler = Scheduler(self.outbox, self.store, programme, settings.channels, retention, clock)

    def enrol(self, name: str, procedure_time: datetime, now: datetime, email=True, mobile=True):
        enrolment, _ = self.store.enrol(
            first_name=name,
            email=f"{name.lower()}@example.org" if email else None,
            mobile="+15551230000" if mobile else None,
            procedure_time=procedure_time,
            timezone="America/New_York",
            consent=True,
            idempotency_key=None,
            now=now,
        )
        return enrolment

    def step(self) -> None:
        self.scheduler.tick()
        dispatch_once(self.outbox, self.alert_settings, timeout=5, patient_messages=self.messenger)


def test_an_enrolment_gets_the_welcome_and_the_24_hour_check_in_by_email_and_sms_at_8_am_not_in_the_night(
    tmp_path, mail, twilio
):
    database = f"sqlite:///{tmp_path / 'conversations.db'}"
    treated = datetime(2026, 11, 2, 21, 0, tzinfo=NEW_YORK)  # an evening treatment: everything falls in the night
    clock = Clock(treated + timedelta(minutes=30))
    clinic = Clinic(database, environment(database, mail, twilio), clock)
    anna = clinic.enrol("Anna", treated, clock.now)
    arrivals: list[tuple[str, datetime]] = []
    while clock.now < treated + timedelta(hours=36):
        before_mail, before_sms = len(mail.messages), len(twilio.messages)
        clinic.step()
        local = clock.now.astimezone(NEW_YORK)
        arrivals += [("email", local)] * (len(mail.messages) - before_mail)
        arrivals += [("sms", local)] * (len(twilio.messages) - before_sms)
        clock.now += timedelta(minutes=30)

    morning, next_morning = datetime(2026, 11, 3, 8, tzinfo=NEW_YORK), datetime(2026, 11, 4, 8, tzinfo=NEW_YORK)
    assert sorted(arrivals) == [("email", morning), ("email", next_morning), ("sms", morning), ("sms", next_morning)]
    assert all(8 <= moment.hour < 21 for _, moment in arrivals)

    (welcome_to, welcome), (check_in_to, check_in) = mail.messages
    assert welcome_to == check_in_to == ["anna@example.org"]
    assert "your aftercare" in welcome["Subject"] and "how is your skin" in check_in["Subject"]
    for email in (welcome, check_in):
        text = email.get_body(("plain",)).get_content()
        html = email.get_body(("html",)).get_content()
        assert "Glow Skin Clinic" in text and "+1 555 010 2030" in text and "Glow Skin Clinic" in html
        unsubscribe = text.split("Stop these emails: ")[1].split()[0]
        assert unsubscribe.startswith(f"{PUBLIC}/unsubscribe/")
        assert read_unsubscribe_token(unsubscribe.rsplit("/", 1)[1], SECRET) == anna.id
        assert unsubscribe in html
    welcome_text = welcome.get_body(("plain",)).get_content()
    link = welcome_text.split(f"{PAGE}?aftercare=")[1].split()[0]
    assert read_link_token(link, SECRET, clock.now) == anna.id
    assert "How does your skin look today?" in check_in.get_body(("plain",)).get_content()

    assert [text.to for text in twilio.messages] == ["+15551230000"] * 2
    assert all(text.sender == FROM and "Reply STOP" in text.body for text in twilio.messages)
    assert "24 hours since your treatment" in twilio.messages[1].body
    assert sorted((key, channel) for key, channel, _ in clinic.store.history(anna.id)) == [
        ("check_in:24h", "email"),
        ("check_in:24h", "sms"),
        ("welcome", "email"),
        ("welcome", "sms"),
    ]


def test_a_stopped_enrolment_gets_nothing_more_even_what_was_already_queued(tmp_path, mail, twilio):
    database = f"sqlite:///{tmp_path / 'conversations.db'}"
    treated = datetime(2026, 11, 2, 10, tzinfo=NEW_YORK)
    clock = Clock(treated + timedelta(minutes=10))
    clinic = Clinic(database, environment(database, mail, twilio), clock)
    ben = clinic.enrol("Ben", treated, clock.now)
    assert clinic.scheduler.tick() == 2  # the welcome, by email and by SMS
    clinic.store.stop(ben.id, "staff", clock.now)
    for _ in range(4):
        clinic.step()
        clock.now += timedelta(days=1)
    assert mail.messages == [] and twilio.messages == []
    assert clinic.outbox.counts() == {CANCELLED: 2}
    assert clinic.store.history(ben.id) == []


def test_a_message_queued_before_the_night_waits_at_delivery_until_the_morning(tmp_path, mail):
    database = f"sqlite:///{tmp_path / 'conversations.db'}"
    treated = datetime(2026, 11, 2, 20, 30, tzinfo=NEW_YORK)
    clock = Clock(treated + timedelta(minutes=29))  # 20:59: still allowed
    clinic = Clinic(database, environment(database, mail, None), clock)
    clinic.enrol("Cleo", treated, clock.now, mobile=False)
    assert clinic.scheduler.tick() == 1
    clock.now += timedelta(minutes=2)  # 21:01: the dispatcher gets to it in the quiet hours
    dispatch_once(clinic.outbox, clinic.alert_settings, timeout=5, patient_messages=clinic.messenger)
    assert mail.messages == []
    assert clinic.outbox.counts() == {PENDING: 1}
    with clinic.outbox.engine.connect() as connection:
        attempts = connection.execute(sa.select(deliveries.c.attempts)).scalar()
    assert attempts == 0  # waiting for the morning is not a failed attempt


class GatedMailServer(MailServer):
    """The real SMTP server, taking only `accept_only(n)` emails and holding the rest unanswered until released."""

    def __init__(self) -> None:
        super().__init__()
        self.limit: int | None = None
        self.held = 0
        outer = self

        class Handler:
            async def handle_DATA(inner, server, session, envelope):  # noqa: N802,N805 - aiosmtpd's names
                import asyncio
                from email import message_from_bytes, policy

                if outer.limit is not None and len(outer.messages) >= outer.limit:
                    with outer.arrived:
                        outer.held += 1
                        outer.arrived.notify_all()
                    while outer.limit is not None:
                        await asyncio.sleep(0.05)
                    return "451 Try again later"  # the sender was gone: this email was never taken
                with outer.arrived:
                    outer.messages.append(
                        (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
                    )
                    outer.arrived.notify_all()
                return "250 OK"

        self.controller.handler = Handler()

    def accept_only(self, count: int) -> None:
        self.limit = count

    def accept_all(self) -> None:
        self.limit = None

    def wait_until_held(self, count: int, timeout: float) -> int:
        with self.arrived:
            self.arrived.wait_for(lambda: self.held >= count, timeout)
            return self.held


def wait_until(condition, timeout: float = 60) -> bool:
    """Whether `condition()` became true within `timeout` seconds (checked every 0.1 s)."""
    done = threading.Event()
    for _ in range(int(timeout * 10)):
        if condition():
            return True
        done.wait(0.1)
    return condition()


def start_dispatcher(environ: dict[str, str], now: datetime, log: Path) -> subprocess.Popen:
    env = {**os.environ, **environ, "AFTERCARE_NOW": now.astimezone(timezone.utc).isoformat()}
    return subprocess.Popen(
        [sys.executable, "-m", "services.dispatcher", "--poll-seconds", "0.2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def test_a_dispatcher_killed_mid_run_and_restarted_sends_nothing_twice_and_loses_nothing(tmp_path):
    database = f"sqlite:///{tmp_path / 'conversations.db'}"
    treated = datetime(2026, 11, 2, 10, tzinfo=NEW_YORK)
    now = treated + timedelta(minutes=10)
    with GatedMailServer() as mail:
        environ = environment(database, mail, None)
        clinic = Clinic(database, environ, Clock(now))
        patients = [clinic.enrol(f"Patient{number}", treated, now, mobile=False) for number in range(6)]
        assert clinic.scheduler.tick() == 6
        mail.accept_only(2)  # the mail server takes two emails, then holds every other one unanswered
        dispatcher = start_dispatcher(environ, now, tmp_path / "first.log")
        try:
            assert mail.wait_until_held(1, timeout=60) >= 1
            assert wait_until(lambda: clinic.outbox.counts().get(DELIVERED) == 2)  # two done, the rest under way
            assert len(mail.messages) == 2
        finally:
            dispatcher.send_signal(signal.SIGKILL)
            dispatcher.wait(timeout=15)
        mail.accept_all()
        with clinic.outbox.engine.begin() as connection:  # the killed dispatcher's leases run out
            connection.execute(deliveries.update().values(claimed_until=0.0))
        assert clinic.scheduler.tick() == 0  # queued once, whatever the restarts
        restarted = start_dispatcher(environ, now, tmp_path / "second.log")
        try:
            mail.wait_for(6, timeout=60)
            assert wait_until(lambda: clinic.outbox.counts() == {DELIVERED: 6})
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(timeout=15)
        recipients = sorted(to[0] for to, _ in mail.messages)
        assert recipients == sorted(f"patient{number}@example.org" for number in range(6))
        assert clinic.outbox.counts() == {DELIVERED: 6}
        for patient in patients:
            assert [(key, channel) for key, channel, _ in clinic.store.history(patient.id)] == [("welcome", "email")]

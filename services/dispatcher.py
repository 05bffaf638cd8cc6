"""Delivers the outbox's alerts, retrying with exponential backoff until each arrives (or three days pass).

    python -m services.dispatcher [--once] [--poll-seconds 1]

Reads the alert settings (services/alert_settings.py) and finds the conversations' database as every server does
(storage/database.py); refuses to start naming the variable when one is wrong, and exits at once saying
so when alerts are off. Any number of dispatchers may run
against one PostgreSQL database (one per replica): each delivery is claimed by one of them. Deliveries run
concurrently, each channel on its own threads, and every wait on a receiver is bounded by a timeout: a webhook that
hangs or answers nonsense costs its own deliveries one failed attempt each, and delays no email and no other alert.
Logs say which alert was delivered or why not, never what an alert contains (nor a webhook's query or sign-in).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from aftercare import log_redaction
from aftercare.environment import SettingError
from aftercare.timestamps import reference_now
from aftercare.yaml_files import ConfigError
from services.alert_settings import DELIVERY_CHANNELS, AlertSettings, settings_from_environment
from services.delivery import TIMEOUT_SECONDS, DeliveryError, email_for, post_webhook, send_email
from storage.outbox import EXPIRED, PATIENT_MESSAGE, Delivery, Outbox, connect

logger = logging.getLogger("aftercare.alerts")

# Attempts under way at once on each channel: a receiver that hangs holds only its own channel's threads.
WORKERS_PER_CHANNEL = 4


def deliver(delivery: Delivery, settings: AlertSettings, timeout: float = TIMEOUT_SECONDS) -> None:
    """Sends one delivery on its channel; DeliveryError when it did not arrive."""
    if delivery.channel == "webhook" and settings.webhook_url:
        post_webhook(settings.webhook_url, settings.webhook_secret, delivery.body, timeout)
    elif delivery.channel == "email" and settings.smtp:
        subject, text = email_for(json.loads(delivery.body))
        send_email(settings.smtp, subject, text, delivery.alert_id, timeout)
    else:
        raise DeliveryError(f"the {delivery.channel} channel is no longer configured")


class Dispatcher:
    """Delivers due alerts concurrently: each channel has its own threads, and each attempt its own outcome.

    Whatever an attempt raises counts as one failed attempt of that delivery alone; the other deliveries, and the
    other channel, go on. Every wait on the network is bounded by `timeout`, well inside the claim's lease.
    """

    def __init__(
        self,
        outbox: Outbox,
        settings: AlertSettings,
        workers_per_channel: int = WORKERS_PER_CHANNEL,
        timeout: float = TIMEOUT_SECONDS,
        patient_messages: Any = None,
    ) -> None:
        """`patient_messages`: services/patient_messages.py's PatientMessenger, for the programme's messages."""
        self.outbox = outbox
        self.settings = settings
        self.workers = workers_per_channel
        self.timeout = timeout
        self.patient_messages = patient_messages
        channels = DELIVERY_CHANNELS + (("sms",) if patient_messages is not None else ())
        self._pools = {
            channel: ThreadPoolExecutor(workers_per_channel, thread_name_prefix=f"alerts-{channel}")
            for channel in channels
        }
        self._under_way: dict[str, set[Future[bool]]] = {channel: set() for channel in channels}

    def start_due(self) -> list[Future[bool]]:
        """Claims what is due on each channel, as much as its free threads can take, and starts delivering it.

        Each future says whether its delivery arrived.
        """
        started: list[Future[bool]] = []
        for channel, pool in self._pools.items():
            under_way = {future for future in self._under_way[channel] if not future.done()}
            self._under_way[channel] = under_way
            free = self.workers - len(under_way)
            if free <= 0:
                continue
            for delivery in self.outbox.claim(limit=free, channel=channel):
                future = pool.submit(self.attempt, delivery)
                under_way.add(future)
                started.append(future)
        return started

    def attempt(self, delivery: Delivery) -> bool:
        """One attempt at one delivery, recorded in the outbox and logged; whether it arrived."""
        try:
            if delivery.kind == PATIENT_MESSAGE:
                return self._patient_message(delivery)
            deliver(delivery, self.settings, self.timeout)
        except Exception as error:  # noqa: BLE001 - any failure is this delivery's alone, and is retried
            # A DeliveryError's message names no alert content; another exception's might, so only its type.
            reason = str(error) if isinstance(error, DeliveryError) else f"unexpected {type(error).__name__}"
            self._record(delivery, lambda: self._failed(delivery, reason))
            return False
        self._record(delivery, lambda: self._delivered(delivery))
        return True

    def _patient_message(self, delivery: Delivery) -> bool:
        """Sends a programme message, or records why not: it waits for the patient's morning, or never goes out."""
        if self.patient_messages is None:
            raise DeliveryError("patient messages are not configured in this dispatcher")
        not_sent = self.patient_messages.deliver(json.loads(delivery.body), delivery.alert_id)
        if not_sent is None:
            self._record(delivery, lambda: self._delivered(delivery))
            return True
        if not_sent.retry_at is None:
            self._record(delivery, lambda: self.outbox.cancel(delivery, not_sent.reason))
            logger.info("Message %s by %s cancelled: %s", delivery.alert_id, delivery.channel, not_sent.reason)
        else:
            until = time.time() + self.patient_messages.wait_seconds(not_sent.retry_at)
            self._record(delivery, lambda: self.outbox.postpone(delivery, until))
            logger.info("Message %s by %s waits: %s", delivery.alert_id, delivery.channel, not_sent.reason)
        return False

    def _delivered(self, delivery: Delivery) -> None:
        self.outbox.delivered(delivery)
        logger.info("Alert %s (%s) delivered by %s", delivery.alert_id, delivery.kind, delivery.channel)

    def _failed(self, delivery: Delivery, reason: str) -> None:
        status = self.outbox.failed(delivery, reason)
        log = logger.critical if status == EXPIRED else logger.warning
        log(
            "Alert %s (%s) not delivered by %s, attempt %d: %s%s",
            delivery.alert_id,
            delivery.kind,
            delivery.channel,
            delivery.attempts + 1,
            reason,
            "; GIVING UP after three days: tell the clinic" if status == EXPIRED else "; will retry",
        )

    @staticmethod
    def _record(delivery: Delivery, write: Callable[[], None]) -> None:
        """Writes an attempt's outcome; one that cannot be written leaves the claim to run out, and the retry."""
        try:
            write()
        except Exception as error:  # noqa: BLE001 - the outbox is unreachable: the delivery is claimed again later
            logger.error(
                "Alert %s (%s) by %s: the outcome could not be recorded (%s); it will be tried again.",
                delivery.alert_id,
                delivery.kind,
                delivery.channel,
                type(error).__name__,
            )

    def close(self) -> None:
        """Waits for the attempts under way (each bounded by the timeout), then stops the threads."""
        for pool in self._pools.values():
            pool.shutdown(wait=True)


def dispatch_once(
    outbox: Outbox, settings: AlertSettings, timeout: float = TIMEOUT_SECONDS, patient_messages: Any = None
) -> int:
    """Claims and delivers what is due now, all at once; the number delivered."""
    dispatcher = Dispatcher(outbox, settings, timeout=timeout, patient_messages=patient_messages)
    try:
        started = dispatcher.start_due()
        wait(started)
    finally:
        dispatcher.close()
    return sum(future.result() for future in started)


def run(
    outbox: Outbox, settings: AlertSettings, poll_seconds: float, stop: threading.Event, patient_messages: Any = None
) -> None:
    """Delivers until `stop` is set, looking for due alerts every `poll_seconds`, even while attempts are under way."""
    dispatcher = Dispatcher(outbox, settings, patient_messages=patient_messages)
    try:
        while not stop.is_set():
            try:
                dispatcher.start_due()
            except Exception as error:  # noqa: BLE001 - a database hiccup must not stop the alerts for good
                logger.error("The outbox could not be read (%s); trying again shortly.", type(error).__name__)
            stop.wait(poll_seconds)
    finally:
        dispatcher.close()


def _patient_messenger() -> Any:
    """The programme's messenger when email or SMS to patients is configured, else None (logged either way)."""
    from services.patient_messages import messenger_from_environment, read_patient_message_settings

    settings = read_patient_message_settings(os.environ)
    logger.info(settings.describe())
    return messenger_from_environment(settings, reference_now) if settings.channels else None


def main(argv: list[str] | None = None) -> int:
    """Starts the dispatcher (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m services.dispatcher", description=__doc__)
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="how often to look for due alerts")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_redaction.install()  # alerts name no patient words, but nothing else that logs here may either
    try:
        settings = settings_from_environment()
        patient_messages = _patient_messenger()
    except (SettingError, ConfigError) as error:
        print(f"Refusing to start the alert dispatcher: {error}", file=sys.stderr)
        return 2
    logger.info(settings.describe())
    if not settings.enabled and patient_messages is None:
        return 0
    outbox = Outbox(connect(settings.database_url))
    if args.once:
        dispatch_once(outbox, settings, patient_messages=patient_messages)
        return 0
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    run(outbox, settings, args.poll_seconds, stop, patient_messages)
    logger.info("Alert dispatcher stopped; undelivered alerts stay in the outbox.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

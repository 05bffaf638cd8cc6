"""Delivers the outbox's alerts, retrying with exponential backoff until each arrives (or three days pass).

    python -m aftercare.alerts.dispatcher [--once] [--poll-seconds 1]

Reads the alert settings (aftercare/alerts/settings.py) and finds the conversations' database as every server does
(aftercare/database.py); refuses to start naming the variable when one is wrong, and exits at once saying
so when alerts are off. Any number of dispatchers may run
against one PostgreSQL database (one per replica): each delivery is claimed by one of them. Logs say which
alert was delivered or why not, never what an alert contains.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from aftercare import log_redaction
from aftercare.alerts.delivery import DeliveryError, email_for, post_webhook, send_email
from aftercare.alerts.outbox import EXPIRED, Delivery, Outbox, connect
from aftercare.alerts.settings import AlertSettings, settings_from_environment
from aftercare.environment import SettingError

logger = logging.getLogger("aftercare.alerts")


def deliver(delivery: Delivery, settings: AlertSettings) -> None:
    """Sends one delivery on its channel; DeliveryError when it did not arrive."""
    if delivery.channel == "webhook":
        post_webhook(settings.webhook_url, settings.webhook_secret, delivery.body)
    elif delivery.channel == "email" and settings.smtp:
        subject, text = email_for(json.loads(delivery.body))
        send_email(settings.smtp, subject, text, delivery.alert_id)
    else:
        raise DeliveryError(f"the {delivery.channel} channel is no longer configured")


def dispatch_once(outbox: Outbox, settings: AlertSettings) -> int:
    """Claims and delivers what is due now; the number delivered."""
    delivered = 0
    for delivery in outbox.claim():
        try:
            deliver(delivery, settings)
        except DeliveryError as error:
            status = outbox.failed(delivery, str(error))
            log = logger.critical if status == EXPIRED else logger.warning
            log(
                "Alert %s (%s) not delivered by %s, attempt %d: %s%s",
                delivery.alert_id,
                delivery.kind,
                delivery.channel,
                delivery.attempts + 1,
                error,
                "; GIVING UP after three days: tell the clinic" if status == EXPIRED else "; will retry",
            )
            continue
        outbox.delivered(delivery)
        delivered += 1
        logger.info("Alert %s (%s) delivered by %s", delivery.alert_id, delivery.kind, delivery.channel)
    return delivered


def run(outbox: Outbox, settings: AlertSettings, poll_seconds: float, stop: threading.Event) -> None:
    """Delivers until `stop` is set, looking for due alerts every `poll_seconds`."""
    while not stop.is_set():
        try:
            dispatch_once(outbox, settings)
        except Exception as error:  # noqa: BLE001 - a database hiccup must not stop the alerts for good
            logger.error("The outbox could not be read (%s); trying again shortly.", type(error).__name__)
        stop.wait(poll_seconds)


def main(argv: list[str] | None = None) -> int:
    """Starts the dispatcher (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m aftercare.alerts.dispatcher", description=__doc__)
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="how often to look for due alerts")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_redaction.install()  # alerts name no patient words, but nothing else that logs here may either
    try:
        settings = settings_from_environment()
    except SettingError as error:
        print(f"Refusing to start the alert dispatcher: {error}", file=sys.stderr)
        return 2
    logger.info(settings.describe())
    if not settings.enabled:
        return 0
    outbox = Outbox(connect(settings.database_url))
    if args.once:
        dispatch_once(outbox, settings)
        return 0
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    run(outbox, settings, args.poll_seconds, stop)
    logger.info("Alert dispatcher stopped; undelivered alerts stay in the outbox.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Queues the aftercare programme's messages to enrolled patients into the outbox, which the dispatcher delivers.

    python -m services.scheduler [--once] [--poll-seconds 30]

Every poll, for each enrolment whose messages have not stopped, the messages due now (aftercare/programme.py: not
in the patient's quiet hours, still relevant, not sent yet) are put into the outbox once per channel the patient
gave (email, SMS) under an id made of the enrolment, the message key and the channel: the outbox's unique key makes
that exactly once however many schedulers run and however often they restart. An enrolment with nothing left to
send ends ("programme_ended"), and the data of programmes ended longer ago than clinic.yml's
`programme.retention_days` is deleted. The clock is injectable, so tests walk through days in a few steps.
Logs name enrolment ids and message keys, never a name, an address or a text.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from aftercare import log_redaction
from aftercare.environment import SettingError
from aftercare.programme import Programme
from aftercare.timestamps import reference_now
from aftercare.yaml_files import ConfigError
from services.patient_messages import PATIENT_CHANNELS, load_programme, message_id, read_patient_message_settings
from storage.enrolments import EnrolmentStore
from storage.enrolments import connect as connect_enrolments
from storage.outbox import PATIENT_MESSAGE, Outbox
from storage.outbox import connect as connect_outbox

logger = logging.getLogger("aftercare.scheduler")


class Scheduler:
    """Puts each enrolled patient's due messages into the outbox, once per channel."""

    def __init__(
        self,
        outbox: Outbox,
        store: EnrolmentStore,
        programme: Programme,
        channels: Iterable[str],
        retention_days: int,
        clock: Callable[[], datetime] = reference_now,
    ) -> None:
        """`channels`: those configured (email, sms); `clock`: the current moment, aware."""
        self.outbox = outbox
        self.store = store
        self.programme = programme
        self.channels = tuple(channel for channel in PATIENT_CHANNELS if channel in set(channels))
        self.retention_days = retention_days
        self.clock = clock

    def tick(self) -> int:
        """Queues what is due now, ends finished programmes and purges old ones; how many messages were queued."""
        now = self.clock()
        queued = 0
        for enrolment in self.store.active(now):
            sent = {key for key, _, _ in self.store.history(enrolment.id)}
            channels = [
                channel
                for channel in self.channels
                if (enrolment.email if channel == "email" else enrolment.mobile) is not None
            ]
            for message in self.programme.due(enrolment, now, sent):
                ids = {channel: message_id(enrolment.id, message.key, channel) for channel in channels}
                stored = self.outbox.stored_ids(ids.values())
                for channel, outbox_id in ids.items():
                    if (outbox_id, channel) in stored:
                        continue
                    body = {
                        "id": outbox_id,
                        "kind": PATIENT_MESSAGE,
                        "enrolment_id": enrolment.id,
                        "message_key": message.key,
                        "channel": channel,
                    }
                    text = json.dumps(body, separators=(",", ":"))
                    if self.outbox.add_once(
                        outbox_id, PATIENT_MESSAGE, enrolment.conversation_id, channel, text, now.timestamp()
                    ):
                        queued += 1
                        logger.info("Queued %s for enrolment %s by %s", message.key, enrolment.id, channel)
            if self.programme.finished(enrolment, now, sent):
                self.store.stop(enrolment.id, "programme_ended", now)
                logger.info("Enrolment %s: the programme has ended", enrolment.id)
        purged = self.store.purge_ended(now, self.retention_days)
        if purged:
            logger.info("Deleted the data of %d ended programme(s) past the retention period", purged)
        return queued


def run(scheduler: Scheduler, poll_seconds: float, stop: threading.Event) -> None:
    """Queues due messages every `poll_seconds` until `stop` is set; a database hiccup only skips one poll."""
    while not stop.is_set():
        try:
            scheduler.tick()
        except Exception as error:  # noqa: BLE001 - the next poll tries again
            logger.error("The schedule could not be updated (%s); trying again shortly.", type(error).__name__)
        stop.wait(poll_seconds)


def main(argv: list[str] | None = None) -> int:
    """Starts the scheduler (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m services.scheduler", description=__doc__)
    parser.add_argument("--once", action="store_true", help="queue what is due now, then exit")
    parser.add_argument("--poll-seconds", type=float, default=30.0, help="how often to look for due messages")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_redaction.install()
    try:
        settings = read_patient_message_settings(os.environ)
        programme, retention_days = load_programme()
    except (SettingError, ConfigError) as error:
        print(f"Refusing to start the scheduler: {error}", file=sys.stderr)
        return 2
    logger.info(settings.describe())
    if not settings.channels:
        return 0
    scheduler = Scheduler(
        Outbox(connect_outbox(settings.database_url)),
        EnrolmentStore(connect_enrolments(settings.database_url)),
        programme,
        settings.channels,
        retention_days,
    )
    if args.once:
        scheduler.tick()
        return 0
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    run(scheduler, args.poll_seconds, stop)
    logger.info("Scheduler stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Prints the unanswered questions of the last days from the conversations' store, for the clinic.

    .venv/bin/python -m scripts.report [--days 7] [--words] [--url URL]
    make report [DAYS=7] [WORDS=1]   (passed as REPORT_DAYS / REPORT_WORDS, read with --from-environment)

Every turn answered by the rephrase prompt, "not covered" or the other-language answer, counted by bucket
(aftercare/unanswered.py), most common first; then the programme's check-ins sent in the period, how many were
answered, and the escalations that came from a check-in (aftercare/check_in_answers.py). The patients' own words
are printed only with --words (WORDS=1), to this terminal: never to a log. The store is the Rasa server's
(storage/database.py's rule: TRACKER_STORE_URL, or the POSTGRES_* settings of deploy/), read by storage/events.py;
reading it is safe while the servers run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import sqlalchemy as sa

from aftercare.check_in_answers import check_in_figures, format_check_ins
from aftercare.environment import SettingError, read_flag
from aftercare.unanswered import build_report, format_report
from storage.check_ins import programmes
from storage.database import database_url
from storage.events import has_events_table, read_events

DAYS_VARIABLE, WORDS_VARIABLE = "REPORT_DAYS", "REPORT_WORDS"
DEFAULT_DAYS = 7.0
MAX_DAYS = 3650  # ten years: further back than any store holds, and well inside what a date can show


def read_days(text: str, name: str) -> float:
    """The days `text` gives; ValueError naming `name` unless it is a number above 0 and at most MAX_DAYS."""
    try:
        days = float(text)
    except ValueError:
        days = float("nan")
    if not 0 < days <= MAX_DAYS:  # also refuses nan and infinity (1e309)
        raise ValueError(f"{name} must be a number of days above 0 and at most {MAX_DAYS}, not {text!r}")
    return days


def refuse(reason: str) -> int:
    """Says in one line why the report was not made; exit status 2 (a wrong setting)."""
    print(f"Refusing to make the report: {reason}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Prints the report; 0 on success, 1 if the store cannot be read, 2 on bad settings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", default=str(DEFAULT_DAYS), help=f"how many days back (default 7, at most {MAX_DAYS})")
    parser.add_argument("--words", action="store_true", help="also print what the patients wrote (clinic only)")
    parser.add_argument(
        "--from-environment",
        action="store_true",
        help=f"take the days from {DAYS_VARIABLE} and whether to show words from {WORDS_VARIABLE} (make report)",
    )
    parser.add_argument("--url", default=database_url(os.environ), help="the tracker store (default: as Rasa's)")
    args = parser.parse_args(argv)
    days_text, days_name = args.days, "--days"
    if args.from_environment:
        days_text, days_name = os.environ.get(DAYS_VARIABLE, "").strip() or str(DEFAULT_DAYS), "DAYS"
        try:
            args.words = read_flag(os.environ, WORDS_VARIABLE, default=False)
        except SettingError as error:
            return refuse(str(error))
    try:
        days = read_days(days_text, days_name)
    except ValueError as error:
        return refuse(str(error))

    url = sa.engine.make_url(args.url)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.exists(url.database):
        print(f"No conversations store at {url.database}: no conversations yet.")
        return 0
    until = time.time()
    since = until - days * 86400
    engine = sa.create_engine(url)
    try:
        if not has_events_table(engine):
            print("The conversations store holds no conversations yet.")
            return 0
        report = build_report(read_events(engine, since), since, until)
        check_ins = check_in_figures(programmes(engine).values(), since, until)
    except sa.exc.SQLAlchemyError as error:
        print(f"Could not read the conversations store: {error.__class__.__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(format_report(report, show_words=args.words))
    print(f"\n{format_check_ins(check_ins)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

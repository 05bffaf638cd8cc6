"""Serves the demo clinic page with the chat widget embedded, as a clinic's booking system would.

Run from anywhere with the project's Python: `.venv/bin/python widget/serve_demo.py` (port 8080 by default).

- `/` is `demo/index.html` with the clinic's name, phone and emergency number from clinic.yml, the Rasa server's
  URL, and the patient's procedure time filled in. The time is 3 hours before the page is served (so asking about
  make-up gets "Not yet"), or `?procedure_time=<ISO 8601>` to choose it; `?procedure_time=` (empty) serves a page
  without one, so the assistant asks.
- `?aftercare=<token>` is an enrolled patient's private link (aftercare/enrolment_links.py): the page checks its
  signature and expiry and gives the widget that patient's conversation and procedure time; a tampered or expired
  link serves a page without either, and the widget tells the patient so (LINK_NOT_VALID).
- `/aftercare-widget.js` is the built widget (`npm ci && npm run build` in widget/), `/demo.css` the page's styles.

Everything substituted into the page is HTML-escaped. Its log names failed requests by method, known path and
status only: never the query string (the procedure time) nor the raw request line. Standard library only, plus
the project's own modules.
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
import traceback
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from aftercare import log_redaction
from aftercare.clinic import Clinic, ConfigError, load_clinic
from aftercare.enrolment_links import LinkError, read_link_token
from aftercare.messages import MAX_MESSAGE_CHARACTERS
from aftercare.session_ids import SecretError, load_secret, secret_file_for
from aftercare.timestamps import format_timestamp, parse_timestamp, reference_now
from storage.database import database_url
from storage.enrolments import EnrolmentStore, connect

WIDGET_DIR = Path(__file__).resolve().parent
ROOT = WIDGET_DIR.parent

PAGE = WIDGET_DIR / "demo" / "index.html"
STATIC = {
    "/aftercare-widget.js": (WIDGET_DIR / "dist" / "aftercare-widget.js", "text/javascript; charset=utf-8"),
    "/demo.css": (WIDGET_DIR / "demo" / "demo.css", "text/css; charset=utf-8"),
}
PAGE_PATHS = ("/", "/index.html")
KNOWN_PATHS = (*PAGE_PATHS, *STATIC)
DEFAULT_HOURS_AGO = 3
LINK_PARAMETER = "aftercare"
LINK_NOT_VALID = (
    "This link has expired or is not valid, so I don't know when you were treated. "
    "Tell me when your treatment was and I can still help."
)


class PatientLink(NamedTuple):
    """What a private link gives the page: the patient's conversation and procedure time, or the notice."""

    conversation_id: str = ""
    procedure_time: str = ""
    notice: str = ""


def read_patient_link(query: str, now: datetime, secret: bytes, store: EnrolmentStore | None) -> PatientLink | None:
    """The private link in the page's query (`?aftercare=<token>`), checked; None when the page has none."""
    values = parse_qs(query, keep_blank_values=True).get(LINK_PARAMETER)
    if values is None:
        return None
    try:
        enrolment = store.get(read_link_token(values[-1], secret, now)) if store is not None else None
    except LinkError:
        enrolment = None
    if enrolment is None:
        return PatientLink(notice=LINK_NOT_VALID)
    return PatientLink(enrolment.conversation_id, format_timestamp(enrolment.procedure_time))


logger = logging.getLogger("demo_page")


def default_procedure_time(now: datetime) -> str:
    """A treatment 3 hours before `now`, as the booking system would write it (ISO 8601, UTC)."""
    return format_timestamp(now - timedelta(hours=DEFAULT_HOURS_AGO))


def requested_procedure_time(query: str, now: datetime) -> str:
    """The procedure time for this page view: from `?procedure_time=`, else 3 hours ago; "" for none.

    Raises ValueError when the query gives a time that is not ISO 8601 with a time zone.
    """
    values = parse_qs(query, keep_blank_values=True).get("procedure_time")
    if values is None:
        return default_procedure_time(now)
    given = values[-1].strip()
    return format_timestamp(parse_timestamp(given)) if given else ""


def booking_note(procedure_time: str, clinic: Clinic) -> str:
    """The sentence on the page that tells the patient which treatment time the assistant was given."""
    if not procedure_time:
        return "We don't have your treatment time on this page, so the assistant will ask you when it was."
    local = parse_timestamp(procedure_time).astimezone(ZoneInfo(clinic.timezone))
    hour = local.strftime("%I:%M %p").lstrip("0").lower()
    return f"Your treatment: {local:%a} {local.day} {local:%b %Y} at {hour} ({clinic.timezone.replace('_', ' ')} time)."


def tel_uri_digits(phone: str) -> str:
    """A phone number as written, reduced to what a tel: link takes: digits and a leading +."""
    digits = "".join(character for character in phone if character.isdigit())
    return ("+" if phone.strip().startswith("+") else "") + digits


def render_page(
    template: str, clinic: Clinic, server_url: str, procedure_time: str, link: PatientLink | None = None
) -> str:
    """The demo page with every placeholder replaced by its HTML-escaped value."""
    link = link or PatientLink()
    values = {
        "conversation_id": link.conversation_id,
        "link_notice": link.notice,
        "clinic_name": clinic.clinic_name,
        "phone": clinic.phone,
        "phone_tel": tel_uri_digits(clinic.phone),
        "emergency_number": clinic.emergency_number,
        "server_url": server_url,
        "procedure_time": procedure_time,
        "booking_note": booking_note(procedure_time, clinic),
        "max_message_length": str(MAX_MESSAGE_CHARACTERS),  # the channel's limit, so the widget keeps no copy
    }
    page = template
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", html.escape(value, quote=True))
    return page


def content_security_policy(server_url: str) -> str:
    """Allows the page's own files and the Rasa server (HTTP long-polling and WebSocket), nothing else."""
    parts = urlsplit(server_url)
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {parts.scheme}://{parts.netloc} {websocket}; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def make_handler(
    clinic: Clinic, server_url: str, secret: bytes = b"", store: EnrolmentStore | None = None
) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to the clinic's details, the Rasa server's URL and the private links' secret."""

    class DemoHandler(BaseHTTPRequestHandler):
        server_version = "AftercareDemo/1.0"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.respond(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self.respond(send_body=False)

        def respond(self, send_body: bool) -> None:
            url = urlsplit(self.path)
            log_redaction.remember(url.query, *parse_qs(url.query, keep_blank_values=True).values())
            if url.path in PAGE_PATHS:
                link = read_patient_link(url.query, reference_now(), secret, store) if secret else None
                try:
                    procedure_time = (
                        link.procedure_time if link else requested_procedure_time(url.query, reference_now())
                    )
                except ValueError:
                    self.send_text(
                        HTTPStatus.BAD_REQUEST,
                        "procedure_time must be ISO 8601 with a time zone, " "e.g. 2026-11-29T14:00:00Z, or empty.\n",
                        send_body,
                    )
                    return
                page = render_page(PAGE.read_text(encoding="utf-8"), clinic, server_url, procedure_time, link)
                self.send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", send_body)
            elif url.path in STATIC:
                path, content_type = STATIC[url.path]
                if not path.exists():
                    self.send_text(
                        HTTPStatus.SERVICE_UNAVAILABLE,
                        f"{path.name} is not built yet: run " "`npm ci && npm run build` in widget/.\n",
                        send_body,
                    )
                    return
                self.send(HTTPStatus.OK, path.read_bytes(), content_type, send_body)
            else:
                self.send_text(HTTPStatus.NOT_FOUND, "Not found.\n", send_body)

        def send_text(self, status: HTTPStatus, text: str, send_body: bool) -> None:
            self.send(status, text.encode("utf-8"), "text/plain; charset=utf-8", send_body)

        def send(self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            if content_type.startswith("text/html"):
                self.send_header("Content-Security-Policy", content_security_policy(server_url))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            # Only failures (a page view per line would drown the other servers' output), and without the query
            # string: it holds the patient's procedure time.
            status = int(code) if isinstance(code, int) or code.isdigit() else 0  # HTTPStatus is an int
            if status < 400:
                return
            if not self.command:  # the request line itself was malformed
                logger.warning("An unreadable request answered %d", status)
                return
            path = urlsplit(self.path).path
            logger.warning("%s %s answered %d", self.command, path if path in KNOWN_PATHS else "(another path)", status)

        def log_error(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass  # its messages quote the raw request line; log_request writes the status of every failure

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            logger.info(format, *args)

    return DemoHandler


class DemoServer(ThreadingHTTPServer):
    """Logs a request that raised by the exception's type and place, not its text (which may quote the query)."""

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        logger.error("A request failed with %s at:\n%s", type(error).__name__, where)


def main() -> int:
    """Parses the options, loads clinic.yml and serves until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8080")))
    parser.add_argument(
        "--server-url",
        default=os.environ.get("RASA_URL", f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"),
        help="the Rasa server the widget talks to (default http://localhost:$RASA_PORT, port 5005)",
    )
    parser.add_argument("--clinic-file", default=os.environ.get("CLINIC_FILE", str(ROOT / "clinic.yml")))
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log_redaction.install()
    try:
        clinic = load_clinic(options.clinic_file)
    except ConfigError as error:
        print(f"Refusing to start the demo page: {error}", file=sys.stderr)
        return 1
    url = database_url(os.environ)
    try:
        secret = load_secret(os.environ, secret_file_for(url, ROOT))
    except SecretError as error:
        print(f"Refusing to start the demo page: {error}", file=sys.stderr)
        return 1
    handler = make_handler(clinic, options.server_url.rstrip("/"), secret, EnrolmentStore(connect(url)))
    server = DemoServer((options.host, options.port), handler)
    print(f"Demo clinic page on http://localhost:{options.port}/ (widget talks to {options.server_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A patient's private link opens the clinic page in their conversation with the treatment time known.

The demo page (widget/serve_demo.py) is served on a free port in a thread of this process (http.server, no
subprocess), with the enrolment in a fresh SQLite database; a tampered or expired link serves a page with neither,
and tells the widget to say so.
"""

from __future__ import annotations

import html
import importlib.util
import re
import threading
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aftercare.clinic import load_clinic
from aftercare.enrolment_links import link_token
from aftercare.session_ids import SessionIds
from storage.enrolments import EnrolmentStore, connect

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("serve_demo_links", ROOT / "widget" / "serve_demo.py")
serve_demo = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(serve_demo)

SECRET = b"k" * 64
TREATED = datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)


@pytest.fixture
def page(tmp_path):
    """Fetches the page for a query string; the enrolment it can link to is `page.enrolment`."""
    store = EnrolmentStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))
    enrolment, _ = store.enrol(
        first_name="Zelda",
        email="z@example.com",
        mobile=None,
        procedure_time=TREATED,
        timezone="UTC",
        consent=True,
        idempotency_key=None,
        now=TREATED,
        conversation_id=SessionIds(SECRET).issue(),
    )
    handler = serve_demo.make_handler(load_clinic(ROOT / "clinic.yml"), "http://localhost:5005", SECRET, store)
    server = serve_demo.DemoServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def fetch(query: str) -> dict[str, str]:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/?{query}", timeout=15) as answer:
            body = answer.read().decode("utf-8")
        return {name: html.unescape(value) for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"', body)}

    fetch.enrolment = enrolment
    yield fetch
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_the_link_opens_the_patients_conversation_with_the_time_known(page):
    token = link_token(page.enrolment.id, datetime.now(timezone.utc) + timedelta(days=1), SECRET)
    widget = page(f"aftercare={token}")
    assert widget["conversation-id"] == page.enrolment.conversation_id
    assert widget["procedure-time"] == "2026-03-02T14:30:00Z"
    assert widget["link-notice"] == ""


@pytest.mark.parametrize("kind", ["expired", "tampered", "foreign", "empty"])
def test_a_bad_link_opens_an_ordinary_conversation_that_says_so(page, kind):
    later = datetime.now(timezone.utc) + timedelta(days=1)
    token = {
        "expired": link_token(page.enrolment.id, datetime.now(timezone.utc) - timedelta(seconds=1), SECRET),
        "tampered": link_token(page.enrolment.id, later, SECRET)[:-2] + "AA",
        "foreign": link_token(page.enrolment.id, later, b"x" * 64),
        "empty": "",
    }[kind]
    widget = page(f"aftercare={token}")
    assert widget["conversation-id"] == "" and widget["procedure-time"] == ""
    assert widget["link-notice"].startswith(
        "This link has expired or is not valid, so I don't know when you were treated."
    )


def test_a_page_without_a_link_is_as_before(page):
    widget = page("procedure_time=2026-03-02T10:00:00Z")
    assert widget["procedure-time"] == "2026-03-02T10:00:00Z"
    assert widget["conversation-id"] == "" and widget["link-notice"] == ""

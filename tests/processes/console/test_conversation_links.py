"""Conversations whose id holds characters a URL must quote open and answer from every link the console gives."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import quote

import pytest

from services.alert_settings import read_alert_settings
from storage.outbox import Outbox, new_alert
from tests.processes.console.conftest import add_event

IDS = ["anna.1@example.org", "ben+clinic", "carla and dan", "100%-sure", "left/right", "zoë-ünal-東京"]


@pytest.fixture(scope="module")
def conversations(console):
    """Each id with an alert (linking to the console as alerts do) and one message from the patient."""
    settings = read_alert_settings({"CONSOLE_URL": console["url"], "CONSOLE_ALERTS": "1"})
    outbox, now = Outbox(console["store"].engine), time.time()
    links = {}
    for number, conversation_id in enumerate(IDS):
        links[conversation_id] = settings.console_link(conversation_id)
        add_event(console["database"], conversation_id, "user", text=f"message number {number}")
        alert = new_alert("escalation", "injector", conversation_id, links[conversation_id], now=now - 7200 - number)
        outbox.add(alert, ["console"])
    return links


def attribute(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found, pattern
    return html.unescape(found.group(1))


@pytest.mark.parametrize("conversation_id", IDS)
def test_a_conversation_opens_from_the_inbox_and_the_alert_and_its_forms_and_live_updates_work(
    console, signed_in, conversations, conversation_id
):
    store, number = console["store"], IDS.index(conversation_id)
    inbox = signed_in.get("/").body
    row = inbox[inbox.index(f'data-conversation="{html.escape(conversation_id)}"') :]
    from_inbox = attribute(row, r'<a href="([^"]+)"')
    from_alert = conversations[conversation_id].removeprefix(console["url"])
    assert from_inbox == from_alert
    for path in (from_inbox, "/conversations/" + quote(conversation_id, safe="@+")):  # the second typed by hand
        page = signed_in.get(path)
        assert page.status == 200 and f"message number {number}" in page.body

    live = signed_in.get(attribute(page.body, r'data-refresh="([^"]+)"'))
    assert live.status == 200 and f"message number {number}" in live.body

    reply_to = attribute(page.body, r'<form method="post" action="([^"]+)" class="reply">')
    answer = signed_in.post(reply_to, {"csrf_token": page.csrf(), "text": f"Reply {number} from the clinic"})
    assert answer.status == 303 and signed_in.get(answer.location).status == 200
    assert [reply.text for reply in store.replies_for(conversation_id)] == [f"Reply {number} from the clinic"]
    assert "Not delivered yet" in signed_in.get(attribute(page.body, r'data-refresh="([^"]+)"')).body

    handled = attribute(page.body, r'<form method="post" action="([^"]+)" class="handled">')
    answer = signed_in.post(handled, {"csrf_token": page.csrf(), "note": f"called {number}"})
    assert (answer.status, answer.location) == (303, "/")
    assert store.handoff(conversation_id).note == f"called {number}"
    assert store.audit_entries(conversation_id)[0]["action"] == "handled"

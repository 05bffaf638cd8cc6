"""The long-conversation fixes (rasa_patches/long_conversations.py): Rasa reads and sends what it did, faster."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from rasa_patches import long_conversations
from rasa_patches.long_conversations import latest_turn

DOMAIN = Domain.from_yaml(
    "version: '3.1'\nintents: [greet]\nslots:\n  procedure_time:\n    type: text\n    mappings: [{type: custom}]\n"
)


@pytest.fixture(scope="module", autouse=True)
def rasa_originals():
    originals = Event.resolve_by_type, SQLTrackerStore._retrieve, RemoteAction._action_call_format
    long_conversations.install()
    yield originals
    Event.resolve_by_type = staticmethod(originals[0])
    SQLTrackerStore._retrieve, RemoteAction._action_call_format = originals[1:]


def test_every_event_type_resolves_to_the_class_rasa_finds(rasa_originals):
    rasa_lookup = rasa_originals[0]
    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is rasa_lookup(name)
        assert Event.resolve_by_type(name) is rasa_lookup(name)  # the second answer comes from memory


def test_unknown_event_names_keep_rasa_defaults_and_errors():
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_a_stored_conversation_reads_back_as_rasa_reads_it(tmp_path, rasa_originals):
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "conversations.db"))
    tracker = DialogueStateTracker.from_events(
        "anna",
        [
            ActionExecuted("action_session_start", timestamp=1.0),
            SessionStarted(timestamp=2.0),
            UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=3.0),
            SlotSet("procedure_time", "2026-11-28T17:00:00Z", timestamp=4.0),
            ActionExecuted("action_listen", timestamp=5.0),
            SessionStarted(timestamp=6.0),  # only the latest session is read back
            UserUttered("hello again", {"name": "greet", "confidence": 1.0}, timestamp=7.0),
        ],
        DOMAIN.slots,
    )
    asyncio.run(store.save(tracker))

    ours = asyncio.run(store.retrieve("anna"))
    rasas = asyncio.run(rasa_originals[1](store, "anna", fetch_events_from_all_sessions=False))
    assert ours.current_state() == rasas.current_state()
    assert [event.as_dict() for event in ours.events] == [event.as_dict() for event in rasas.events]
    assert [event.timestamp for event in ours.events] == [6.0, 7.0]
    assert len(asyncio.run(store.retrieve_full_tracker("anna")).events) == 7
    assert asyncio.run(store.retrieve("nobody")) is None


def test_installing_twice_changes_nothing():
    installed = Event.resolve_by_type, SQLTrackerStore._retrieve, RemoteAction._action_call_format
    long_conversations.install()
    assert (Event.resolve_by_type, SQLTrackerStore._retrieve, RemoteAction._action_call_format) == installed


def test_the_action_server_gets_the_latest_turn_and_every_slot():
    tracker = DialogueStateTracker.from_events(
        "anna",
        [
            UserUttered("hi", {"name": "greet", "confidence": 1.0}),
            SlotSet("procedure_time", "2026-11-28T17:00:00Z"),
            ActionExecuted("action_listen"),
            UserUttered("hello again", {"name": "greet", "confidence": 1.0}),
            ActionExecuted("action_extract_procedure_time"),
        ],
        DOMAIN.slots,
    )
    call = RemoteAction("action_answer_question", EndpointConfig("http://localhost:1"))._action_call_format(
        tracker, DOMAIN
    )
    assert [event["event"] for event in call["tracker"]["events"]] == ["user", "action"]
    assert call["tracker"]["events"][0]["text"] == "hello again"
    assert call["tracker"]["slots"]["procedure_time"] == "2026-11-28T17:00:00Z"
    assert call["tracker"]["latest_message"]["text"] == "hello again"


def test_a_conversation_with_no_user_message_is_sent_whole():
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    assert latest_turn(events) == events
    assert latest_turn([]) == []

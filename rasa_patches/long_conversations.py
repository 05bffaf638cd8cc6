"""Three Rasa 3.6 costs that grow with a conversation's length, removed at start-up by the channels.

Rasa reads a conversation's events back on every message and sends them all to the action server with every
custom action, so what it spends per event is paid again for every event of the conversation on every turn. In a
300-turn conversation (py-spy on the Rasa server, `make bench`'s long conversation) three costs stood out:

- Finding each event's class: Rasa rebuilds the list of every `Event` subclass (a recursive walk with an
  `inspect.isabstract` check per class) for each event it reads: 29% of the server's CPU. Rasa's answer is
  now remembered per type name; names Rasa does not know still go to Rasa's lookup, with its defaults and
  errors.
- Reading the rows: the SQL tracker store builds a SQLAlchemy ORM object per event only to read its `data`
  column: 24% of the server's CPU after the first fix. The same query (same filters, same order) now selects
  that column alone.
- Sending the conversation to the action server: Rasa puts every event of the session in each call (17% of the
  server's CPU encoding JSON, and most of the action server's decoding it). The actions here read the slots and
  the latest message, which Rasa sends beside the events, and rasa-sdk's form validation reads the slot events
  at the end: each call now carries the events from the patient's latest message on.

What remains of the growth is Rasa's own: the rule policy turns the whole conversation into states on every
prediction, and the tracker is rebuilt from all of its events (README, Performance).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

_MARKER = "_aftercare_installed"


def install() -> None:
    """Installs the three changes, once per process."""
    if not getattr(Event.resolve_by_type, _MARKER, False):
        Event.resolve_by_type = staticmethod(_remembering(Event.resolve_by_type))  # type: ignore[method-assign]
    if not getattr(SQLTrackerStore._retrieve, _MARKER, False):
        setattr(_retrieve_event_data, _MARKER, True)
        SQLTrackerStore._retrieve = _retrieve_event_data  # type: ignore[method-assign]
    if not getattr(RemoteAction._action_call_format, _MARKER, False):
        RemoteAction._action_call_format = _with_latest_turn_only(RemoteAction._action_call_format)  # type: ignore


def latest_turn(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events from the latest user message on (all of them when there is none)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index:]
    return events


def _with_latest_turn_only(rasa_call_format: Any) -> Any:
    def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        call = rasa_call_format(self, tracker, domain)
        call["tracker"]["events"] = latest_turn(call["tracker"].get("events") or [])
        return call

    setattr(action_call_format, _MARKER, True)
    return action_call_format


def _remembering(rasa_lookup: Any) -> Any:
    known: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> Any:
        event_class = known.get(type_name)
        if event_class is None:
            event_class = rasa_lookup(type_name, default)
            if event_class is not None and event_class.type_name == type_name:
                known[type_name] = event_class
        return event_class

    setattr(resolve_by_type, _MARKER, True)
    return resolve_by_type


async def _retrieve_event_data(
    self: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool
) -> DialogueStateTracker | None:
    """Rasa's `SQLTrackerStore._retrieve`, selecting the events' `data` column instead of whole ORM objects."""
    with self.session_scope() as session:
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions)
        events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data).all()]
    if self.domain and events:
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
    return None

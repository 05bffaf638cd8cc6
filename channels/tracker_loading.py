"""Loading a conversation from the tracker store without two Rasa 3.6 costs that grow with its length.

Rasa reads a conversation's events back on every message, so what it spends per event is paid again for every
event of the conversation on every turn. In a 300-turn conversation (py-spy on the Rasa server, `make bench`'s
long conversation) two costs stood out, and both are removed here, at start-up, by the channels:

- Finding each event's class: Rasa rebuilds the list of every `Event` subclass (a recursive walk with an
  `inspect.isabstract` check per class) for each event it reads: 29% of the server's CPU. Rasa's answer is
  now remembered per type name; names Rasa does not know still go to Rasa's lookup, with its defaults and
  errors.
- Reading the rows: the SQL tracker store builds a SQLAlchemy ORM object per event only to read its `data`
  column: 24% of the server's CPU after the first fix. The same query (same filters, same order) now selects
  that column alone.

What remains of the growth is Rasa's own: the rule policy turns the whole conversation into states on every
prediction, and the tracker is rebuilt from all of its events (README, Performance).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

_MARKER = "_aftercare_installed"


def install() -> None:
    """Installs both changes, once per process."""
    if not getattr(Event.resolve_by_type, _MARKER, False):
        Event.resolve_by_type = staticmethod(_remembering(Event.resolve_by_type))  # type: ignore[method-assign]
    if not getattr(SQLTrackerStore._retrieve, _MARKER, False):
        setattr(_retrieve_event_data, _MARKER, True)
        SQLTrackerStore._retrieve = _retrieve_event_data  # type: ignore[method-assign]


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

"""The guard around Rasa's calls to the action server (rasa_patches/action_guard.py), with real RemoteActions."""

import asyncio
import socket
import time

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_patches import action_guard

ORIGINAL_VALIDATE = RemoteAction._validate_action_result


@pytest.fixture
def guarded():
    original_run, original_validate = RemoteAction.run, RemoteAction._validate_action_result
    action_guard.install(0.5)
    yield
    RemoteAction.run, RemoteAction._validate_action_result = original_run, original_validate


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


def run_action(name: str, port: int, tracker: DialogueStateTracker | None = None):
    domain = Domain.from_dict({"slots": {"procedure_time": {"type": "text", "mappings": [{"type": "custom"}]}}})
    action = RemoteAction(name, EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    tracker = tracker or DialogueStateTracker("patient", domain.slots)
    return action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain)


@pytest.mark.parametrize(("value", "seconds"), [(None, 10.0), ("", 10.0), ("2.5", 2.5), ("300", 300.0), (" 7 ", 7.0)])
def test_the_timeout_setting(value, seconds):
    environ = {} if value is None else {"ACTION_TIMEOUT_SECONDS": value}
    assert action_guard.timeout_from(environ) == seconds


@pytest.mark.parametrize("value", ["0", "-1", "301", "forever", "nan", "inf"])
def test_a_wrong_timeout_is_refused(value):
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_SECONDS must be a number of seconds"):
        action_guard.timeout_from({"ACTION_TIMEOUT_SECONDS": value})


def test_a_refused_connection_is_recorded_and_the_rest_of_the_turn_fails_at_once(guarded, closed_port):
    async def turn():
        with action_guard.watch_turn() as watched:
            with pytest.raises(RasaException):
                await run_action("action_escalate", closed_port)
            with pytest.raises(RasaException, match="did not answer earlier in this turn"):
                await run_action("action_answer_question", closed_port)
        return watched

    watched = asyncio.run(turn())
    assert watched.failed_actions == ["action_escalate", "action_answer_question"]
    assert watched.action_server_unreachable and watched.needs_safe_reply


def test_a_hung_action_server_times_out(guarded, silent_port):
    async def turn():
        with action_guard.watch_turn() as watched:
            started = time.monotonic()
            with pytest.raises(RasaException, match="no answer from the action server within 0.5 s"):
                await run_action("action_escalate", silent_port)
            return watched, time.monotonic() - started

    watched, seconds = asyncio.run(turn())
    assert seconds < 2 and watched.failed_actions == ["action_escalate"]


def test_a_failed_session_start_still_starts_the_session(guarded, closed_port):
    tracker = DialogueStateTracker.from_events("patient", [SlotSet("procedure_time", "2026-11-28T17:00:00Z")])

    async def turn():
        with action_guard.watch_turn() as watched:
            return await run_action("action_session_start", closed_port, tracker), watched

    events, watched = asyncio.run(turn())
    assert isinstance(events[0], SessionStarted)
    assert SlotSet("procedure_time", "2026-11-28T17:00:00Z") in events
    assert events[-1] == ActionExecuted("action_listen")
    assert watched.failed_actions == ["action_session_start"]


def test_outside_a_turn_a_failure_is_raised_as_rasa_would(guarded, closed_port):
    with pytest.raises(RasaException):
        asyncio.run(run_action("action_escalate", closed_port))


def test_installing_twice_wraps_once(guarded):
    wrapped = RemoteAction.run
    action_guard.install(1.0)
    assert RemoteAction.run is wrapped


ACTION_SERVER_ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "escalation", "value": "injector"}], "responses": [{"text": "Call us"}]},
    {"responses": [{"custom": {"escalation": "emergency", "phone": "911"}}]},
    {},
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": 3}]},
    {"responses": [{"text": "fine"}, "not an object"]},
]


@pytest.mark.parametrize("answer", ACTION_SERVER_ANSWERS)
def test_answers_are_checked_as_rasa_checks_them(guarded, answer):
    """The schema compiled once accepts and refuses exactly what Rasa's own check does, with the same message."""
    action = RemoteAction("action_escalate", EndpointConfig("http://127.0.0.1:1/webhook"))

    def outcome(validate):
        try:
            return validate(action, answer)
        except ValidationError as error:
            return error.message

    assert outcome(action_guard._validate_action_result) == outcome(ORIGINAL_VALIDATE)

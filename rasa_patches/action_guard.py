"""Bounds every call to the action server and records, per patient turn, which custom actions failed.

Rasa 3.6 waits up to five minutes for the action server (a constant, not configurable in endpoints.yml), then
logs the failure and sends the patient nothing. Installed by the channels at start-up, this wraps Rasa's
`RemoteAction.run` so that:

- a call gets no more than ACTION_TIMEOUT_SECONDS (default 10 s) to answer;
- once the action server has timed out or refused a connection, the turn's remaining custom actions fail at
  once instead of waiting again;
- each failure is recorded in the current turn (`watch_turn`), so the channel can send the safe reply;
- a failed `action_session_start` falls back to Rasa's default session start. Without it, Rasa logs neither a
  session start nor `action_listen`, and every later turn of that conversation trips Rasa's circuit breaker
  and stays silent, even once the action server is back.

It also makes Rasa check the action server's answers against a schema compiled once. Rasa 3.6 calls
`jsonschema.validate`, which re-checks the schema itself on every call: about 24 ms per custom action and a
third of the Rasa server's CPU under load (py-spy, `make bench`), against 0.3 ms for the same check compiled once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

TIMEOUT_VARIABLE = "ACTION_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 300.0  # Rasa's own limit
_GUARD_MARKER = "_aftercare_guarded"


@dataclass
class Turn:
    """What went wrong while Rasa handled one patient message."""

    failed_actions: list[str] = field(default_factory=list)
    action_server_unreachable: bool = False
    failed: bool = False  # the turn itself raised

    @property
    def needs_safe_reply(self) -> bool:
        return self.failed or bool(self.failed_actions)


_current_turn: ContextVar[Turn | None] = ContextVar("aftercare_turn", default=None)
_timeout = DEFAULT_TIMEOUT


@contextmanager
def watch_turn() -> Iterator[Turn]:
    """Records the failures of the custom actions Rasa runs for one message, inside this block."""
    turn = Turn()
    token = _current_turn.set(turn)
    try:
        yield turn
    finally:
        _current_turn.reset(token)


def timeout_from(environ: Mapping[str, str]) -> float:
    """The action timeout in seconds from ACTION_TIMEOUT_SECONDS; ValueError naming the variable if wrong."""
    raw = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= MAX_TIMEOUT:  # also false for nan
        raise ValueError(f"{TIMEOUT_VARIABLE} must be a number of seconds above 0 and at most 300, not {raw!r}")
    return seconds


def install(timeout: float) -> None:
    """Wraps RemoteAction.run (once per process) and sets the timeout."""
    global _timeout
    _timeout = timeout
    if getattr(RemoteAction.run, _GUARD_MARKER, False):
        return
    original = RemoteAction.run

    @functools.wraps(original)
    async def guarded_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        return await _run_guarded(original, self, output_channel, nlg, tracker, domain)

    setattr(guarded_run, _GUARD_MARKER, True)
    RemoteAction.run = guarded_run  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


@functools.cache
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's own check of an action server answer, with the same error, against the schema compiled once."""
    error: ValidationError | None = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
        f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


async def _run_guarded(original: Any, action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any):
    turn = _current_turn.get()
    name = action.name()
    if turn is not None and turn.action_server_unreachable:
        failure: Exception = RasaException(
            f"Skipped custom action '{name}': the action server did not answer earlier in this turn."
        )
    else:
        try:
            return await asyncio.wait_for(original(action, output_channel, nlg, tracker, domain), _timeout)
        except ActionExecutionRejection:
            raise  # Rasa's normal way for an action to decline; not a failure
        except asyncio.TimeoutError:
            failure = RasaException(f"Custom action '{name}': no answer from the action server within {_timeout:g} s.")
            unreachable = True
        except Exception as error:  # noqa: BLE001 - any failure gets the same safe handling
            failure = error if isinstance(error, RasaException) else RasaException(f"{type(error).__name__}")
            unreachable = isinstance(error.__context__, aiohttp.ClientConnectionError) or isinstance(
                error, aiohttp.ClientConnectionError
            )
        if turn is not None:
            turn.action_server_unreachable = turn.action_server_unreachable or unreachable
    if turn is not None:
        turn.failed_actions.append(name)
    logger.error("Custom action '%s' failed: %s", name, failure)
    if name == ACTION_SESSION_START_NAME:
        return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
    raise failure

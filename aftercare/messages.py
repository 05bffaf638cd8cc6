"""What a patient's message must look like before it reaches Rasa: plain functions, no Rasa import.

A request that is not a message (not JSON, a missing or wrong-typed field) is a `BadRequest` the channel
answers with a 4xx and a JSON message. A message that is only odd (empty, too long, invisible or control
characters, another script) is cleaned here and answered by the channel in words.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from aftercare import log_redaction
from aftercare.timestamps import is_valid_timezone, parse_timestamp

logger = logging.getLogger(__name__)

# The widget allows 1,000 characters; a longer text is answered with a request for a shorter one instead of
# being run through the model, which takes about a second per 4,000 characters and blocks every other patient.
MAX_MESSAGE_CHARACTERS = 1000
MAX_BODY_BYTES = 1024 * 1024
BODY_TOO_LARGE = f"The request body is larger than {MAX_BODY_BYTES // 1024} kB"
MAX_SENDER_CHARACTERS = 128
MAX_METADATA_TEXT = 64
# The message metadata the assistant uses; anything else is dropped rather than stored with the conversation.
KNOWN_METADATA = ("procedure_time", "timezone")
EXAMPLE_BODY = '{"sender": "anna", "message": "is redness normal?"}'


class BadRequest(Exception):
    """A request the channel cannot treat as a patient's message; `message` tells the caller what to fix."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class IncomingMessage:
    """A checked request: who sent it, the cleaned text (possibly empty) and the metadata the assistant uses."""

    sender: str
    text: str
    metadata: dict[str, str]


def clean_text(text: str) -> str:
    """The text as the model should see it.

    NFKC folds look-alike forms (full-width letters, ligatures) into plain ones; invisible format characters
    (zero-width spaces and joiners, bidirectional controls, soft hyphens) are removed, because inside a word
    they would hide a warning sign such as "p\u200bus" from the detector; control characters and unusual
    spaces become spaces; runs of whitespace become one space. The result is normalised once more, because a
    removed character can leave combining marks side by side in another order (cleaning is idempotent).
    """
    kept = []
    for character in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        kept.append(" " if category in ("Cc", "Cs", "Zs", "Zl", "Zp") else character)
    return unicodedata.normalize("NFKC", " ".join("".join(kept).split()))


def _type_name(value: Any) -> str:
    names = {type(None): "null", bool: "true/false", int: "a number", float: "a number", list: "a list", str: "text"}
    return names.get(type(value), "an object" if isinstance(value, dict) else type(value).__name__)


def check_sender(value: Any) -> str:
    """The conversation id: text of 1 to 128 printable characters, or BadRequest."""
    if value is None:
        raise BadRequest(f"'sender' is missing: give the conversation's id as text, for example {EXAMPLE_BODY}")
    if not isinstance(value, str):
        raise BadRequest(f"'sender' must be text (the conversation's id), not {_type_name(value)}")
    sender = value.strip()
    if not sender or len(sender) > MAX_SENDER_CHARACTERS or not sender.isprintable():
        raise BadRequest(f"'sender' must be 1 to {MAX_SENDER_CHARACTERS} printable characters")
    return sender


def check_message(value: Any) -> str:
    """The message text, cleaned (it may be empty: the channel answers that in words), or BadRequest."""
    if value is None:
        raise BadRequest(f"'message' is missing or null: send the patient's text, for example {EXAMPLE_BODY}")
    if not isinstance(value, str):
        raise BadRequest(f"'message' must be text, not {_type_name(value)}")
    return clean_text(value)


def check_metadata(value: Any) -> dict[str, str]:
    """The metadata as a mapping (missing or null is empty), or BadRequest; see `useful_metadata`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(
            "'metadata' must be an object such as "
            f'{{"procedure_time": "2026-11-28T17:00:00Z", "timezone": "Europe/London"}}, not {_type_name(value)}'
        )
    return useful_metadata(value)


def useful_metadata(metadata: dict[str, Any]) -> dict[str, str]:
    """Keeps the known keys with usable values: a malformed procedure time is dropped, so the assistant asks."""
    kept: dict[str, str] = {}
    procedure_time = metadata.get("procedure_time")
    if procedure_time is not None:
        if _is_timestamp(procedure_time):
            kept["procedure_time"] = procedure_time.strip()
        else:
            # The value itself is health data: log only that it was dropped.
            logger.warning("Dropped a malformed procedure_time from a message's metadata; the assistant will ask.")
    timezone = metadata.get("timezone")
    if isinstance(timezone, str) and len(timezone) <= MAX_METADATA_TEXT and is_valid_timezone(timezone):
        kept["timezone"] = timezone
    return kept


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > MAX_METADATA_TEXT:
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


def parse_json_object(raw: bytes | str, what: str) -> dict[str, Any]:
    """Parses a JSON object, raising BadRequest that names `what` for anything else."""
    try:
        content = json.loads(raw)
    except UnicodeDecodeError:
        raise BadRequest(f"{what} must be JSON encoded as UTF-8") from None
    except (ValueError, RecursionError):  # RecursionError: deeply nested arrays
        raise BadRequest(f"{what} must be JSON, for example {EXAMPLE_BODY}") from None
    if not isinstance(content, dict):
        raise BadRequest(f"{what} must be a JSON object, for example {EXAMPLE_BODY}, not {_type_name(content)}")
    return content


def read_rest_body(body: bytes) -> IncomingMessage:
    """Checks a REST webhook body `{"sender", "message", "metadata"}`; raises BadRequest for a malformed one."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(BODY_TOO_LARGE, status=413)
    if not body.strip():
        raise BadRequest(f"The request body is empty: send JSON such as {EXAMPLE_BODY}")
    content = parse_json_object(body, "The request body")
    # What the patient sent, as sent and as cleaned, stays out of every log line from here on.
    log_redaction.remember(content.get("message"), content.get("metadata"))
    incoming = IncomingMessage(
        sender=check_sender(content.get("sender")),
        text=check_message(content.get("message")),
        metadata=check_metadata(content.get("metadata")),
    )
    log_redaction.remember(incoming.text)
    return incoming


def socket_metadata(value: Any) -> dict[str, str]:
    """Metadata from a socketio message: an object or a JSON text of one; anything else counts as none."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            value = None
        log_redaction.remember(value)
    if not isinstance(value, dict):
        if value is not None:
            logger.warning("Ignored socketio message metadata that is not an object.")
        return {}
    return useful_metadata(value)

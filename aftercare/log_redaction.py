"""Keeps what patients write out of every log line, whichever library writes it.

Two layers, both applied by `RedactingFilter` to each record before it is written:

1. Registered values. The channels (and the action server, and the demo page) register every value a patient
   sent, as soon as they read it: the message text, raw and cleaned, and every metadata value, of any type.
   Each occurrence of one of them in a log line, or of any part of it of 12 characters or more (from word
   boundary to word boundary), is replaced, in the forms loggers write it in (as typed, JSON- and
   repr-escaped); so are the pieces of a "/intent{...}" command, which Rasa quotes one by one. The values of
   the current request are kept in a context variable, and the most recent ones in a bounded set for lines
   written outside the request's task (threads, later callbacks).
2. Known structures that carry patient data, whoever logs them and whether or not the value was registered:
   `text='...'`, `"user_text": "..."`, `'metadata': {...}`, Rasa's event strings such as
   `UserUttered(text: ..., intent: ...)`.

Rasa 3.6.21 also logs through structlog (the story reader's `message.parsing.failed` warning, among others),
configured with stdlib's LoggerFactory: its rendered lines are ordinary log records and pass the filter.
`install()` puts the filter on every handler that exists (the root logger's, every logger's own, and the
last-resort handler used when there is none) and routes Python warnings through logging, so they pass it too.
Standard library only: every process of the project installs it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

REDACTED = "[redacted]"
# Shorter values ("ok", "no") say nothing about a patient, and replacing them would garble every log line.
MIN_VALUE_CHARACTERS = 3
# Longer values are registered by their beginning: a message longer than this never reaches Rasa.
MAX_VALUE_CHARACTERS = 1000
# Loggers often quote only part of a message (Rasa: `Continuing without {"...":`), so a value is registered by
# its overlapping pieces of this length, and any run of a log line made of such pieces is replaced, from word
# boundary to word boundary: a patient's "procedure" leaves the log's `action_extract_procedure_time` alone.
# Long enough that the log's own English ("the action server") rarely matches by chance. A value shorter than
# this is replaced only where it stands as a whole word: "pus" must not turn "campus" into "cam[redacted]".
FRAGMENT_CHARACTERS = 12
# Rasa parses a message starting with "/" as an intent command and quotes its pieces in warnings.
_COMMAND_SEPARATORS = re.compile(r"""[/{}@\[\],:"'\s]+""")
RECENT_FRAGMENTS = 100_000  # across requests: at least the last hundred turns, about 15 MB at most
MAX_VALUES_PER_CALL = 64  # leaves of one (possibly hostile) metadata object
MAX_DEPTH = 6

# Keys whose values are patient data in Rasa's and the project's dictionaries, JSON, reprs and structlog lines.
PATIENT_KEYS = (
    "text",
    "user_text",
    "message",
    "metadata",
    "latest_message",
    "parse_data_text",
    "slots",
    "slot_values",
    "entities",
    "events",
    "tracker",
    "value",
    "procedure_time",
    "rejected_procedure_time",
)
_KEYS = "|".join(PATIENT_KEYS)
_KEY_BEFORE_VALUE = re.compile(rf"""(?:(['"])(?:{_KEYS})\1\s*:\s*|\b(?:{_KEYS})=)""")
# Rasa's event strings: UserUttered(text: ..., intent: ...), BotUttered(text: ..., data: ...), SlotSet(key, value).
_EVENT_STRINGS = (
    re.compile(r"(UserUttered\(text: ).*(, intent: )", re.DOTALL),
    re.compile(r"(BotUttered\(text: ).*(, data: )", re.DOTALL),
    re.compile(r"(SlotSet\(key: [^,]*, value: ).*(\))", re.DOTALL),
)
_CLOSING = {"{": "}", "[": "]", "(": ")", "<": ">"}
_LITERAL = re.compile(r"(?:-?\d+(?:\.\d+)?|null|None|true|false|True|False)\b")
_BARE_VALUE = re.compile(r"[^,;)\]}\n]*")


class _Registered:
    """Fragments of the values patients sent, counted so that the oldest registrations can be forgotten."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: deque[tuple[frozenset[str], frozenset[str]]] = deque()  # (fragments, short values)
        self.fragments: dict[str, int] = {}
        self.short: dict[str, int] = {}
        self.size = 0

    def add(self, fragments: frozenset[str], short: frozenset[str]) -> None:
        with self.lock:
            self.entries.append((fragments, short))
            self.size += len(fragments) + len(short)
            for counts, keys in ((self.fragments, fragments), (self.short, short)):
                for key in keys:
                    counts[key] = counts.get(key, 0) + 1
            while self.size > RECENT_FRAGMENTS and len(self.entries) > 1:
                self._forget_oldest()

    def _forget_oldest(self) -> None:
        fragments, short = self.entries.popleft()
        self.size -= len(fragments) + len(short)
        for counts, keys in ((self.fragments, fragments), (self.short, short)):
            for key in keys:
                counts[key] -= 1
                if not counts[key]:
                    del counts[key]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.fragments.clear()
            self.short.clear()
            self.size = 0


_recent = _Registered()
# The current request's own values, kept even when many others push them out of the recent set.
_current: ContextVar[tuple[frozenset[str], frozenset[str]]] = ContextVar(
    "aftercare_patient_values", default=(frozenset(), frozenset())
)


def remember(*values: Any) -> None:
    """Registers what a patient sent (texts, metadata of any shape) so that no log line repeats it."""
    fragments: set[str] = set()
    short: set[str] = set()
    for value in _leaves(values):
        pieces = _COMMAND_SEPARATORS.split(value) if value.startswith("/") else []
        for form in {form for piece in [value, *pieces] for form in _written_forms(piece)}:
            if len(form) < FRAGMENT_CHARACTERS:
                short.add(form)
            else:
                fragments.update(form[i : i + FRAGMENT_CHARACTERS] for i in range(len(form) - FRAGMENT_CHARACTERS + 1))
    if not fragments and not short:
        return
    current_fragments, current_short = _current.get()
    _current.set((current_fragments | fragments, current_short | short))
    _recent.add(frozenset(fragments), frozenset(short))


def forget_all() -> None:
    """Forgets every registered value (for tests)."""
    _current.set((frozenset(), frozenset()))
    _recent.clear()


def redact(text: str) -> str:
    """`text` with every registered value and every value of a known patient-carrying structure replaced."""
    text = _redact_registered(text)
    for pattern in _EVENT_STRINGS:
        text = pattern.sub(lambda match: f"{match.group(1)}{REDACTED}{match.group(2)}", text)
    return _redact_keyed_values(text)


def _redact_registered(text: str) -> str:
    current_fragments, current_short = _current.get()
    covered = bytearray(len(text))
    with _recent.lock:
        for start in range(len(text) - FRAGMENT_CHARACTERS + 1):
            piece = text[start : start + FRAGMENT_CHARACTERS]
            if piece in current_fragments or piece in _recent.fragments:
                covered[start : start + FRAGMENT_CHARACTERS] = b"\x01" * FRAGMENT_CHARACTERS
        short = current_short.union(_recent.short)
    if any(covered):
        parts, position = [], 0
        for run in re.finditer(rb"\x01+", bytes(covered)):
            start, end = _within_word_boundaries(text, run.start(), run.end())
            if _WORD.search(text, start, end):
                parts += [text[position:start], REDACTED]
                position = end
        text = "".join(parts) + text[position:]
    for value in sorted(short, key=len, reverse=True):
        if value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REDACTED, text)
    return text


_WORD = re.compile(r"\w")


def _within_word_boundaries(text: str, start: int, end: int) -> tuple[int, int]:
    """The run [start, end) without a partial word at either edge (a word of the log, not the patient's)."""
    if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        while start < end and _is_word(text[start]):
            start += 1
    if end < len(text) and _is_word(text[end]) and _is_word(text[end - 1]):
        while end > start and _is_word(text[end - 1]):
            end -= 1
    return start, end


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _leaves(values: Iterable[Any]) -> Iterator[str]:
    """The text and number leaves of `values`, in order, breadth first, at most MAX_VALUES_PER_CALL of them."""
    count = 0
    queue = deque((value, 0) for value in values)
    while queue and count < MAX_VALUES_PER_CALL:
        value, level = queue.popleft()
        if isinstance(value, str):
            count += 1
            yield value[:MAX_VALUE_CHARACTERS]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            count += 1
            yield str(value)
        elif level < MAX_DEPTH and isinstance(value, dict):
            queue.extend((item, level + 1) for item in value.values())
        elif level < MAX_DEPTH and isinstance(value, (list, tuple)):
            queue.extend((item, level + 1) for item in value)


def _written_forms(value: str) -> list[str]:
    stripped = value.strip()
    if len(stripped) < MIN_VALUE_CHARACTERS:
        return []
    forms = {stripped, json.dumps(stripped)[1:-1], json.dumps(stripped, ensure_ascii=False)[1:-1], repr(stripped)[1:-1]}
    return [form for form in forms if len(form) >= MIN_VALUE_CHARACTERS]


def _redact_keyed_values(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _KEY_BEFORE_VALUE.finditer(text):
        if match.start() < position:
            continue  # inside a value already redacted
        end = _value_end(text, match.end())
        if end == match.end():
            continue
        parts += [text[position : match.end()], REDACTED]
        position = end
    return "".join(parts) + text[position:] if parts else text


def _value_end(text: str, start: int) -> int:
    """Where the value that begins at `start` ends; `start` itself for an empty, numeric or literal value."""
    if start >= len(text):
        return start
    first = text[start]
    if first in "'\"":
        return _quoted_end(text, start)
    if first in _CLOSING:
        return _bracketed_end(text, start)
    if _LITERAL.match(text, start):
        return start
    return _BARE_VALUE.match(text, start).end()


def _quoted_end(text: str, start: int) -> int:
    quote, index = text[start], start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index + 1
        index += 1
    return len(text)  # unterminated: the rest of the line is the value


def _bracketed_end(text: str, start: int) -> int:
    expected = [_CLOSING[text[start]]]
    index = start + 1
    while index < len(text) and expected:
        character = text[index]
        if character in "'\"":
            index = _quoted_end(text, index)
            continue
        if character in _CLOSING:
            expected.append(_CLOSING[character])
        elif character == expected[-1]:
            expected.pop()
        index += 1
    return index


# What every LogRecord has; anything else was added with `extra=` (Sanic's access log puts the URL there).
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_DONE = "_aftercare_redacted"


WITHHELD = "[log line withheld: it could not be checked for patient data]"
MAX_CHECKED_CHARACTERS = 100_000  # beyond this a log line is cut: checking it would hold up the server


class RedactingFilter(logging.Filter):
    """Redacts a record's message, arguments, extra fields, exception and stack text in place; drops nothing.

    Never raises (an exception in a filter would reach the code that logged): a record it cannot check is
    written as WITHHELD instead.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True
        try:
            self._redact(record)
        except Exception:  # noqa: BLE001 - fail closed, whatever went wrong
            record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = (
                WITHHELD,
                (),
                None,
                None,
                None,
            )
        setattr(record, _DONE, True)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is still written, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = _checked(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _checked(record.exc_text)
        if record.stack_info:
            record.stack_info = _checked(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, _checked(value))


def _checked(text: str) -> str:
    if len(text) <= MAX_CHECKED_CHARACTERS:
        return redact(text)
    withheld = len(text) - MAX_CHECKED_CHARACTERS
    return f"{redact(text[:MAX_CHECKED_CHARACTERS])}[... {withheld} more characters withheld]"


_filter = RedactingFilter()


def install() -> RedactingFilter:
    """Puts the filter on every handler there is now; call again once a library has added its own handlers.

    Idempotent and cheap. Python warnings are routed through logging so that they are redacted too.
    """
    logging.captureWarnings(True)
    handlers: list[logging.Handler] = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)
    return _filter

"""Quick replies where there are no buttons to press: the terminal (`rasa shell`).

The widget shows a message's quick replies as buttons and sends the payload of the one pressed. A terminal shows them
as one line of text under the message, numbered, and reads what the patient types: the number or the words of a
choice mean that choice (its payload, as if its button had been pressed); anything else is sent as typed, for the
assistant to understand like any other message ("yesterday morning" at the time question). The choices' wording is
the buttons' own titles (care_guide.yml's time question, domain.yml's responses): nothing here repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

INVITATION = "Type a number or your own words:"
CHOICE_NUMBER = re.compile(r"(\d{1,2})\s*[.)]?")
SEPARATOR = "  "


@dataclass(frozen=True)
class QuickReply:
    """One choice offered with a message: the words the patient reads, the payload its button sends."""

    title: str
    payload: str


def quick_replies(buttons: Iterable[Mapping[str, Any]] | None) -> tuple[QuickReply, ...]:
    """A message's buttons as choices, in order; a button without a title or payload is left out."""
    replies = []
    for button in buttons or ():
        title, payload = str(button.get("title") or "").strip(), str(button.get("payload") or "").strip()
        if title and payload:
            replies.append(QuickReply(title, payload))
    return tuple(replies)


def choices_line(replies: Iterable[QuickReply]) -> str:
    """The choices as one line to print under the message, e.g. 'Type a number or your own words: 1) Yes  2) No'."""
    numbered = [f"{number}) {reply.title}" for number, reply in enumerate(replies, start=1)]
    return f"{INVITATION} {SEPARATOR.join(numbered)}" if numbered else ""


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w'-]+", " ", text.casefold()).split())


def chosen(typed: str, replies: tuple[QuickReply, ...]) -> QuickReply | None:
    """The choice a typed answer names: its number as listed ('2', '2.', '2)') or its words ('all good'), else None."""
    number = CHOICE_NUMBER.fullmatch(typed.strip())
    if number:
        index = int(number.group(1)) - 1
        return replies[index] if 0 <= index < len(replies) else None
    words = _words(typed)
    return next((reply for reply in replies if words and _words(reply.title) == words), None)


def message_to_send(typed: str, replies: tuple[QuickReply, ...]) -> str:
    """What goes to the assistant for what the patient typed: a named choice's payload, else the text as typed."""
    choice = chosen(typed, replies)
    return choice.payload if choice else typed

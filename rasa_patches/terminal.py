"""Rasa's terminal channel (`rasa shell`) with quick replies the patient types instead of an arrow-key menu.

Rasa 3.6's console turns a message's buttons into a menu (questionary) in which Enter takes the first entry, so a
patient who types "yesterday morning" at the time question and presses Enter answers "Earlier today", and free text
needs a menu entry nobody is told about. Here the console prints the choices as a line of text under the message
(aftercare/quick_replies.py) and always reads free text; a typed number or a choice's words send that choice's
payload, anything else goes as typed. The offered choices live in the console for the turn, as the widget keeps its
buttons: the server, the tracker and the widget are unchanged.

`use_typed_quick_replies()` replaces two functions of `rasa.core.channels.console`, which `record_messages` looks up
at each turn. The graph components install it because they are the only project code Rasa loads into `rasa shell`
(with the model): `components/__init__.py` calls it, so `make shell` and a plain `rasa shell` in the project folder
both get it, and so does nothing else (only `rasa shell` runs the console).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import console

from aftercare.quick_replies import QuickReply, choices_line, message_to_send, quick_replies

PrintBotOutput = Callable[..., Any]
GetUserInput = Callable[[Any], Awaitable[str | None]]
REPLACED = ("_print_bot_output", "_get_user_input")


class TypedQuickReplies:
    """The console's two functions, remembering the choices last offered for the patient's next answer."""

    def __init__(self, print_bot_output: PrintBotOutput, get_user_input: GetUserInput) -> None:
        self._rasa_print_bot_output = print_bot_output
        self._rasa_get_user_input = get_user_input
        self.offered: tuple[QuickReply, ...] = ()

    def print_bot_output(self, message: dict[str, Any], is_latest_message: bool = False, **options: Any) -> None:
        """Prints a bot message as Rasa does, but its buttons as a numbered line of text (never a menu)."""
        replies = quick_replies(message.get("buttons"))
        if replies:
            self.offered = replies
            text = "\n".join(part for part in (message.get("text"), choices_line(replies)) if part)
            message = {key: value for key, value in message.items() if key != "buttons"} | {"text": text}
        self._rasa_print_bot_output(message, **options)

    async def get_user_input(self, previous_response: dict[str, Any] | None) -> str | None:
        """Prints the turn's last message, reads what the patient types and sends a named choice's payload."""
        if previous_response is not None:
            self.print_bot_output(previous_response, is_latest_message=True)
        typed = await self._rasa_get_user_input(None)
        offered, self.offered = self.offered, ()
        return message_to_send(typed, offered) if typed is not None else None


def use_typed_quick_replies() -> None:
    """Makes Rasa's console print quick replies as text and read typed answers (once per process)."""
    if isinstance(getattr(console._get_user_input, "__self__", None), TypedQuickReplies):
        return
    missing = [name for name in REPLACED if not callable(getattr(console, name, None))]
    if missing:
        raise RuntimeError(f"rasa.core.channels.console has no {', '.join(missing)}: this Rasa version is not 3.6")
    terminal = TypedQuickReplies(console._print_bot_output, console._get_user_input)
    console._print_bot_output = terminal.print_bot_output
    console._get_user_input = terminal.get_user_input

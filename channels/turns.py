"""Runs one patient message through Rasa so that the patient always gets an answer."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic

from aftercare import log_redaction
from aftercare.replies import Replies, load_replies
from channels import privacy
from rasa_patches import action_guard, install_server_patches

logger = logging.getLogger(__name__)

_prepared: Replies | None = None


def prepare_server() -> Replies:
    """Reads clinic.yml, installs the action guard, the long-conversation fixes and the privacy measures, once.

    Called when Rasa creates the channels from credentials.yml, before the model loads, so a broken clinic
    file or ACTION_TIMEOUT_SECONDS stops start-up with a message instead of reaching a patient; also sets up the
    HTTP app's body limit and root route (rasa_patches/http_app.py), before Rasa creates the app.
    """
    global _prepared
    if _prepared is None:
        replies = load_replies()
        try:
            timeout = action_guard.timeout_from(os.environ)
        except ValueError as error:
            raise SystemExit(f"Refusing to start the Rasa server: {error}") from None
        install_server_patches(timeout)
        # Rasa, Sanic and socket.io write what patients sent in warnings and errors (a message starting with
        # "/" that is not a valid intent payload is logged whole): every log line is redacted from now on.
        privacy.protect_this_process()
        logger.info("Custom actions time out after %g s; a failed turn gets the clinic's safe reply.", timeout)
        _prepared = replies
    return _prepared


def redact_late_log_handlers(blueprint: Blueprint) -> None:
    """Puts the log filter also on the handlers added after the channels were created (Sanic's, with the API)."""

    @blueprint.listener("before_server_start")
    async def redact_every_log_handler(app: Sanic, _: Any) -> None:
        log_redaction.install()


async def run_patient_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    replies: Replies,
    replied: Callable[[], bool],
) -> None:
    """Hands `message` to Rasa; adds the safe reply if a custom action failed or nothing was said.

    `replied` tells whether the output channel sent anything during the turn.
    """
    with action_guard.watch_turn() as turn:
        try:
            await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - whatever broke, the patient gets the safe reply
            turn.failed = True
            # The exception's text may quote the patient's message: only its type goes to the ordinary log.
            logger.error("A patient turn failed with %s; sent the safe reply.", type(error).__name__)
            logger.debug("The failed turn's exception:", exc_info=True)
    if turn.needs_safe_reply or not replied():
        if not turn.needs_safe_reply:
            logger.error("A patient turn produced no reply; sent the safe reply.")
        await message.output_channel.send_text_message(message.sender_id, replies.unavailable)

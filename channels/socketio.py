"""Rasa 3.6's socketio channel with the two fixes the clinic widget needs.

1. `enter_room` is a coroutine from python-socketio 5.10 on, and Rasa 3.6 does not await it, so a socket
   never joins its session's room and no bot message reaches the browser (RasaHQ/rasa#13027).
2. Rasa passes a custom json's keys to `emit()` as keyword arguments (a TypeError for the escalation
   payload); here the custom json is sent as the bot message itself, as text messages are.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

logger = logging.getLogger(__name__)


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    """Sends custom json (e.g. the escalation payload) as a bot message."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Emits the custom json as the bot message's body."""
        await self._send_message(recipient_id, json_message)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """The socketio channel, registered in credentials.yml as `channels.socketio.SocketIOInput`."""

    def get_output_channel(self) -> rasa_socketio.SocketIOOutput | None:
        """The output channel for messages pushed from outside a request."""
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with the session and message handlers replaced by fixed ones."""
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, data["session_id"])
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("Ignored a socketio message that is not an object.")
                return
            if self.session_persistence and not data.get("session_id"):
                logger.warning("Ignored a socketio message without a session_id (send session_request first).")
                return
            sender_id = data["session_id"] if self.session_persistence else sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            message = UserMessage(
                str(data.get("message") or ""),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await on_new_message(message)

        return socketio_webhook

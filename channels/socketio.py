"""Rasa 3.6's socketio channel (the clinic widget's) with the fixes the widget and patients need.

1. `enter_room` is a coroutine from python-socketio 5.10 on, and Rasa 3.6 does not await it, so a socket
   never joins its session's room and no bot message reaches the browser (RasaHQ/rasa#13027). It is awaited
   here.
2. Conversation ids are issued by this server and signed (aftercare/session_ids.py). Rasa lets a socket join
   any conversation it names in `session_request`, and takes `user_uttered`'s `session_id` on trust, so a
   guessed id read someone else's conversation. Here `session_request` resumes only an id this server signed
   (anything else gets a new conversation), and a message goes to the conversation its socket was confirmed
   for, whatever `session_id` it names; a socket that asked for none is told so.
3. Rasa passes a custom json's keys to `emit()` as keyword arguments (a TypeError for the escalation
   payload); here the custom json is sent as the bot message itself, as text messages are.
4. No message is dropped in silence: a `user_uttered` that is not an object, comes before any session or
   carries a message that is not text gets a reply saying so; an empty or over-long message is answered like
   the REST channel does; a turn whose custom action failed, or that said nothing, gets the clinic's safe reply
   (channels/turns.py). Malformed metadata is ignored, so the assistant asks for what it needs. The
   acknowledgement says which: `{"status": "answered"}`, or `{"status": "refused", "reason": ...}` for a
   message answered with a refusal, which the widget then marks as not sent instead of sending it again.
5. A browser connection from an origin outside CORS_ORIGINS is refused, CORS not covering WebSockets; without
   CORS_ORIGINS (the channel run outside scripts/rasa_server.py), only the server's own origin may connect.
   Clients that send no Origin header (servers, tests) are not affected.
6. Staff replies from the console (channels/staff_replies.py) reach the conversations whose sockets are on this
   server: a background task started with the channel, and at once when a patient's widget (re)joins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import InputChannel, UserMessage, decode_bearer_token
from sanic import Blueprint, Sanic

from aftercare import log_redaction
from aftercare.messages import clean_text, socket_metadata
from aftercare.replies import Refusal, Replies
from aftercare.session_ids import SecretError, SessionIds, load_secret, secret_file_for
from channels.staff_replies import StaffReplyDelivery
from channels.turns import prepare_server, redact_late_log_handlers, run_patient_turn
from storage.database import database_url
from storage.staff_store import StaffStore, connect

logger = logging.getLogger(__name__)

# The acknowledgement of a user_uttered that was run through the assistant (or got the safe reply); a refused
# one is {"status": "refused", "reason": Refusal.reason}. The widget reads both (widget/src/transport.js).
ANSWERED = {"status": "answered"}
CONFIRMED_SESSION = "conversation_id"  # key in python-socketio's per-socket session
PROJECT_FOLDER = Path(__file__).resolve().parents[1]


def allowed_origins(environ: Mapping[str, str]) -> set[str]:
    """The browser origins allowed to connect: CORS_ORIGINS, separated by spaces or commas (see `origin_is_allowed`)."""
    return {origin.rstrip("/") for origin in environ.get("CORS_ORIGINS", "").replace(",", " ").split()}


def origin_is_allowed(origin: str | None, allowed: set[str], host: str | None) -> bool:
    """Whether a socket.io connection with this Origin header may open.

    Clients that send no Origin (servers, tests, apps) may; a browser page may if its origin is in `allowed`, or,
    when `allowed` is empty, only if it is the server's own (same host and port as the request's Host header).
    """
    if origin is None:
        return True
    if allowed:
        return origin.rstrip("/") in allowed
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(host and netloc) and netloc.lower() == host.lower()


def load_session_ids(environ: Mapping[str, str]) -> SessionIds:
    """Signed conversation ids under SESSION_SECRET, else under a secret kept beside the tracker store.

    Stops the server with a message naming the variable or file when the secret cannot be used.
    """
    secret_file = secret_file_for(database_url(environ), PROJECT_FOLDER)
    try:
        return SessionIds(load_secret(environ, secret_file))
    except SecretError as error:
        logger.critical("Refusing to start: %s", error)
        raise SystemExit(f"Refusing to start the Rasa server: {error}") from None


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    """Sends custom json (e.g. the escalation payload) as a bot message, and counts what it sends."""

    def __init__(self, sio: Any, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Emits the custom json as the bot message's body."""
        await self._send_message(recipient_id, json_message)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """The socketio channel, registered in credentials.yml as `channels.socketio.SocketIOInput`."""

    replies: Replies
    origins: set[str]
    session_ids: SessionIds
    staff_replies: StaffReplyDelivery | None = None  # set by from_credentials

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's credentials keys; also reads clinic.yml, CORS_ORIGINS and the session secret.

        Refuses to start if one of them is wrong.
        """
        channel = super().from_credentials(credentials)
        channel.replies = prepare_server()
        channel.origins = allowed_origins(os.environ)
        channel.session_ids = load_session_ids(os.environ)
        store = StaffStore(connect(database_url(os.environ)))
        channel.staff_replies = StaffReplyDelivery(store, channel.replies.clinic_name)
        return channel

    def get_output_channel(self) -> rasa_socketio.SocketIOOutput | None:
        """The output channel for messages pushed from outside a request."""
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with the connect, session and message handlers replaced by fixed ones."""
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        namespace = self.namespace
        origins = self.origins
        replies = self.replies
        session_ids = self.session_ids
        staff_replies = self.staff_replies
        bot_message_evt = self.bot_message_evt
        agent_of: dict[str, Any] = {}  # the Rasa agent, once the server has loaded it

        async def emit_to_conversation(conversation_id: str, message: dict[str, Any]) -> None:
            await sio.emit(bot_message_evt, message, room=conversation_id, namespace=namespace)

        def conversations_here() -> list[str]:
            """The conversations with a socket on this server (each socket is in its conversation's room)."""
            rooms = sio.manager.rooms.get(namespace or "/", {})
            return [room for room, sockets in rooms.items() if sockets and session_ids.is_valid(room)]

        @socketio_webhook.listener("after_server_start")
        async def start_staff_reply_delivery(app: Sanic, _: Any) -> None:
            if staff_replies is None:
                return
            agent_of["agent"] = app.ctx.agent
            agent_of["task"] = asyncio.get_running_loop().create_task(
                staff_replies.run(conversations_here, lambda: agent_of["agent"], emit_to_conversation)
            )

        @socketio_webhook.listener("before_server_stop")
        async def stop_staff_reply_delivery(app: Sanic, _: Any) -> None:
            task = agent_of.get("task")
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            if not origin_is_allowed(environ.get("HTTP_ORIGIN"), origins, environ.get("HTTP_HOST")):
                logger.warning(
                    "Refused a socket.io connection from another origin than CORS_ORIGINS (or, without it, its own)."
                )
                return False
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            resumed = session_ids.is_valid(requested)
            if requested is not None and not resumed:
                logger.info("A socket named a conversation id this server did not issue; it got a new conversation.")
            session_id = requested if resumed else session_ids.issue()
            if self.session_persistence:
                previous = (await sio.get_session(sid, namespace=namespace)).get(CONFIRMED_SESSION)
                if previous and previous != session_id:
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
                # What user_uttered goes by, kept with this socket (and dropped with it when it disconnects).
                await sio.save_session(sid, {CONFIRMED_SESSION: session_id}, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            agent = agent_of.get("agent")
            if self.session_persistence and agent is not None and staff_replies is not None:
                # A patient who comes back gets what staff wrote while they were away, at once.
                try:
                    await staff_replies.deliver([session_id], agent, emit_to_conversation)
                except Exception as error:  # noqa: BLE001 - the background task tries again
                    logger.error("Staff replies could not be delivered (%s); trying again.", type(error).__name__)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None) -> dict[str, str]:
            # The acknowledgement (this return value) is what takes the message out of the widget's outbox and
            # tells it whether the message was answered or refused (then it is not sent again); an exception
            # would send none, and the widget would resend the message.
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                return await answer_message(sid, data, output)
            except Exception as error:  # noqa: BLE001 - whatever broke, the patient gets the safe reply
                logger.error("A socket.io message failed with %s; sent the safe reply.", type(error).__name__)
                with contextlib.suppress(Exception):
                    await output.send_text_message(sid, replies.unavailable)
                return dict(ANSWERED)

        async def refuse(recipient: str, refusal: Refusal, output: SocketIOOutput) -> dict[str, str]:
            await output.send_text_message(recipient, refusal.text)
            return {"status": "refused", "reason": refusal.reason}

        async def answer_message(sid: str, data: Any, output: SocketIOOutput) -> dict[str, str]:
            # What the patient sent, as sent and as cleaned, stays out of every log line from here on.
            sent = (data.get("message"), data.get(self.metadata_key)) if isinstance(data, dict) else (data,)
            log_redaction.remember(*sent)
            if not isinstance(data, dict):
                return await refuse(sid, Refusal("unreadable", replies.unreadable), output)
            if self.session_persistence:
                # The conversation this socket was confirmed for, never the one the message names.
                sender_id = (await sio.get_session(sid, namespace=namespace)).get(CONFIRMED_SESSION)
                if sender_id is None:
                    return await refuse(sid, Refusal("no_session", replies.session_lost), output)
            else:
                sender_id = sid

            raw_text = data.get("message")
            if raw_text is not None and not isinstance(raw_text, str):
                return await refuse(sender_id, Refusal("unreadable", replies.unreadable), output)
            text = clean_text(raw_text or "")
            log_redaction.remember(text)
            refusal = replies.refuse(text)
            if refusal:
                return await refuse(sender_id, refusal, output)
            metadata = socket_metadata(data.get(self.metadata_key))
            message = UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
            await run_patient_turn(on_new_message, message, replies, lambda: output.sent > 0)
            return dict(ANSWERED)

        redact_late_log_handlers(socketio_webhook)
        return socketio_webhook

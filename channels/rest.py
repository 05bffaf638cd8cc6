"""The REST webhook, `POST /webhooks/rest/webhook`, checking each request before Rasa sees it.

Rasa's own REST channel answers a body that is not a JSON object with a 500, a `message` that is not text
with an empty list, a missing `sender` by filing the message in a conversation shared by everyone ("default"),
and a failed custom action with silence. This one answers a malformed request with a 4xx and a JSON message
saying what to fix, an empty or over-long message in words, and a failed turn with the clinic's safe reply.

The webhook is for servers (the clinic's own systems, tests), never for browsers: the widget talks socket.io.
With REST_WEBHOOK_TOKEN set (or REST_WEBHOOK_TOKEN_FILE naming a file holding it), a request without
`Authorization: Bearer <REST_WEBHOOK_TOKEN>` gets a 401 before its body is read, so nobody else can post into a
conversation or read what the assistant answers in it. Unset, for development on this machine, any caller that
reaches the port is answered, as by Rasa's own channel.

What clinic staff wrote in the console to a REST conversation comes first in the response to the patient's next
message (channels/staff_replies.py), before the assistant's answer.
"""

from __future__ import annotations

import hmac
import inspect
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from rasa.core.channels import rest as rasa_rest
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from aftercare.messages import BadRequest, read_rest_body
from aftercare.replies import Replies
from aftercare.secret_files import SecretError, load_secret_files, read_token
from channels.staff_replies import StaffReplyDelivery
from channels.turns import prepare_server, redact_late_log_handlers, run_patient_turn
from storage.database import database_url
from storage.staff_store import StaffStore, connect

logger = logging.getLogger(__name__)

REASONS = {400: "Bad Request", 401: "Unauthorized", 413: "Payload Too Large"}
TOKEN_VARIABLE = "REST_WEBHOOK_TOKEN"
# The same text as nginx's refusal (deploy/nginx/aftercare.conf.template).
UNAUTHORIZED = f"This webhook is for servers holding {TOKEN_VARIABLE}: send Authorization: Bearer <{TOKEN_VARIABLE}>"


def error_response(status: int, message: str) -> HTTPResponse:
    """The channel's JSON answer to a request it refuses: `{"description", "status", "message"}`."""
    body = {"description": REASONS.get(status, "Bad Request"), "status": status, "message": message}
    headers = {"WWW-Authenticate": 'Bearer realm="aftercare"'} if status == 401 else None
    return response.json(body, status=status, headers=headers)


def webhook_token(environ: MutableMapping[str, str]) -> str:
    """REST_WEBHOOK_TOKEN, from the variable or the file REST_WEBHOOK_TOKEN_FILE names ('' when neither is set).

    SecretError when it is shorter than 16 characters or its file cannot be read.
    """
    load_secret_files(environ, (TOKEN_VARIABLE,))
    return read_token(environ, TOKEN_VARIABLE)


class RestInput(rasa_rest.RestInput):
    """`{"sender", "message", "metadata"}` in, a JSON list of bot messages out (no streaming).

    Registered in credentials.yml as `channels.rest.RestInput`.
    """

    def __init__(self, replies: Replies, token: str = "", staff_replies: StaffReplyDelivery | None = None) -> None:
        self.replies = replies
        self.token = token
        self.staff_replies = staff_replies

    @classmethod
    def name(cls) -> str:
        return "rest"  # keeps the path /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Reads REST_WEBHOOK_TOKEN and clinic.yml, refusing to start if either is wrong; no credentials keys."""
        try:
            token = webhook_token(os.environ)
        except SecretError as error:
            raise SystemExit(f"Refusing to start the Rasa server: {error}") from None
        if not token:
            logger.warning(
                "%s is not set: the REST webhook answers any caller that reaches this server. Set it wherever "
                "the server is reachable from outside this machine (deploy/README.md).",
                TOKEN_VARIABLE,
            )
        replies = prepare_server()
        store = StaffStore(connect(database_url(os.environ)))
        return cls(replies, token, StaffReplyDelivery(store, replies.clinic_name))

    def refuse_unauthorized(self, authorization: str | None) -> HTTPResponse | None:
        """A 401 unless the Authorization header carries the token (always None when no token is set)."""
        if not self.token:
            return None
        scheme, _, supplied = (authorization or "").strip().partition(" ")
        # Constant time: how long the comparison takes says nothing about how much of the token was right.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            supplied.strip().encode("utf-8", "surrogatepass"), self.token.encode("utf-8", "surrogatepass")
        ):
            return error_response(401, UNAUTHORIZED)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.listener("before_server_start")
        async def answer_errors_in_json(app: Sanic, _: Any) -> None:
            # Sanic answers a wrong path or method in plain text; clients get JSON like this channel's own 4xx.
            app.config.FALLBACK_ERROR_FORMAT = "json"

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self.refuse_unauthorized(request.headers.get("authorization"))
            if refusal:
                return refusal
            staff_messages: list[dict[str, Any]] = []  # delivered already: they go out with the safe reply too
            try:
                return await answer(request, staff_messages)
            except Exception as error:  # noqa: BLE001 - whatever broke, the caller gets the safe reply, not a 500
                logger.error("A REST request failed with %s; sent the safe reply.", type(error).__name__)
                return response.json([*staff_messages, {"text": self.replies.unavailable}])

        async def staff_replies_for(sender: str, request: Request) -> list[dict[str, Any]]:
            if self.staff_replies is None:
                return []
            agent = getattr(request.app.ctx, "agent", None)  # None until the model has loaded
            return await self.staff_replies.for_rest_response(sender, agent) if agent is not None else []

        async def answer(request: Request, staff_messages: list[dict[str, Any]]) -> HTTPResponse:
            try:
                incoming = read_rest_body(request.body)
            except BadRequest as problem:
                return error_response(problem.status, problem.message)
            staff_messages += await staff_replies_for(incoming.sender, request)

            collector = CollectingOutputChannel()
            refusal = self.replies.refusal(incoming.text)
            if refusal:
                await collector.send_text_message(incoming.sender, refusal)
            else:
                message = UserMessage(
                    incoming.text, collector, incoming.sender, input_channel=self.name(), metadata=incoming.metadata
                )
                await run_patient_turn(on_new_message, message, self.replies, lambda: bool(collector.messages))
            return response.json([*staff_messages, *collector.messages])

        redact_late_log_handlers(webhook)
        return webhook

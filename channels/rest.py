"""The REST webhook, `POST /webhooks/rest/webhook`, checking each request before Rasa sees it.

Rasa's own REST channel answers a body that is not a JSON object with a 500, a `message` that is not text
with an empty list, a missing `sender` by filing the message in a conversation shared by everyone ("default"),
and a failed custom action with silence. This one answers a malformed request with a 4xx and a JSON message
saying what to fix, an empty or over-long message in words, and a failed turn with the clinic's safe reply.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import rest as rasa_rest
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.messages import BadRequest, read_rest_body
from channels.replies import Replies
from channels.turns import prepare_server, redact_late_log_handlers, run_patient_turn

logger = logging.getLogger(__name__)

REASONS = {400: "Bad Request", 413: "Payload Too Large"}


class RestInput(rasa_rest.RestInput):
    """`{"sender", "message", "metadata"}` in, a JSON list of bot messages out (no streaming).

    Registered in credentials.yml as `channels.rest.RestInput`.
    """

    def __init__(self, replies: Replies) -> None:
        self.replies = replies

    @classmethod
    def name(cls) -> str:
        return "rest"  # keeps the path /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Reads clinic.yml (refusing to start if it is wrong); the channel takes no credentials."""
        return cls(prepare_server())

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
            try:
                return await answer(request)
            except Exception as error:  # noqa: BLE001 - whatever broke, the caller gets the safe reply, not a 500
                logger.error("A REST request failed with %s; sent the safe reply.", type(error).__name__)
                return response.json([{"text": self.replies.unavailable}])

        async def answer(request: Request) -> HTTPResponse:
            try:
                incoming = read_rest_body(request.body)
            except BadRequest as problem:
                reason = REASONS.get(problem.status, "Bad Request")
                body = {"description": reason, "status": problem.status, "message": problem.message}
                return response.json(body, status=problem.status)

            collector = CollectingOutputChannel()
            refusal = self.replies.refusal(incoming.text)
            if refusal:
                await collector.send_text_message(incoming.sender, refusal)
            else:
                message = UserMessage(
                    incoming.text, collector, incoming.sender, input_channel=self.name(), metadata=incoming.metadata
                )
                await run_patient_turn(on_new_message, message, self.replies, lambda: bool(collector.messages))
            return response.json(collector.messages)

        redact_late_log_handlers(webhook)
        return webhook

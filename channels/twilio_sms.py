"""Text messages through Twilio: `POST /webhooks/twilio/webhook`, Rasa's Twilio channel made safe for patients.

Twilio posts each text a patient sends to an enrolled clinic's number here, as a signed form. Unlike Rasa's own
channel, this one:

1. answers only requests signed with TWILIO_AUTH_TOKEN (the `X-Twilio-Signature` header, over the URL Twilio
   called: TWILIO_WEBHOOK_URL when a proxy stands in front, else the request's own); anything else, and every
   request while no token is set, gets a 403 before the text is read;
2. files the text in the enrolled patient's own conversation (storage/enrolments.py, by mobile number), the one
   their private link opens in the widget, with their procedure time and time zone as message metadata, so the
   assistant answers for the right day without asking; a number nobody enrolled is told whom to call;
3. ends every message at once on an opt-out keyword (aftercare/text_messages.py): recorded, confirmed once, never
   passed to the assistant. A text sent once messages have stopped (for that or any other reason) still reaches
   the conversation, so a warning sign in it alerts the clinic as ever, but nothing is texted back: carriers
   forbid it after an opt-out until the patient opts in again;
4. texts the assistant's replies back through Twilio's Messages API (TWILIO_API_URL points the client elsewhere,
   for tests), the clinic's safe reply when a turn fails, and never the widget's JSON payloads;
5. keeps what patients write and their numbers out of every log line, as the other channels do.

Settings: credentials.yml keys `account_sid`, `auth_token`, `twilio_number`, `api_url`, `webhook_url`, each
defaulting to TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, TWILIO_API_URL, TWILIO_WEBHOOK_URL.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rasa.core.channels import twilio as rasa_twilio
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator

from aftercare import log_redaction
from aftercare.clinic import Clinic, clinic_file, load_clinic
from aftercare.messages import clean_text
from aftercare.replies import Replies
from aftercare.text_messages import (
    enrolment_metadata,
    is_stop_request,
    stopped_text,
    unknown_number_text,
    with_choices,
)
from channels.turns import prepare_server, redact_late_log_handlers, run_patient_turn
from storage.database import database_url
from storage.enrolments import EnrolmentStore, connect

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SEND_TIMEOUT_SECONDS = 10.0
# An empty TwiML answer: Twilio sends nothing itself, the replies go out through the Messages API.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's HTTP client logs every request it makes at INFO; the ones worth seeing are this channel's own.
_twilio_client_logger = logging.getLogger("twilio.http_client")
_twilio_client_logger.setLevel(logging.WARNING)


@dataclass(frozen=True)
class TwilioSettings:
    """The Twilio account, the number texts come from, and where the API and this webhook are reached."""

    account_sid: str = ""
    auth_token: str = ""
    from_number: str = ""
    api_url: str = ""  # empty: Twilio's own
    webhook_url: str = ""  # empty: the URL of each request as this server sees it

    @classmethod
    def read(cls, credentials: Mapping[str, Any], environ: Mapping[str, str]) -> TwilioSettings:
        """From credentials.yml's keys, each falling back to its environment variable."""

        def value(key: str, variable: str) -> str:
            return str(credentials.get(key) or environ.get(variable, "")).strip()

        return cls(
            account_sid=value("account_sid", "TWILIO_ACCOUNT_SID"),
            auth_token=value("auth_token", "TWILIO_AUTH_TOKEN"),
            from_number=value("twilio_number", "TWILIO_FROM_NUMBER"),
            api_url=value("api_url", "TWILIO_API_URL").rstrip("/"),
            webhook_url=value("webhook_url", "TWILIO_WEBHOOK_URL"),
        )


class TwilioOutput(rasa_twilio.TwilioOutput):
    """Texts each reply to one patient's number, without blocking the server while Twilio answers."""

    def __init__(self, settings: TwilioSettings, to: str) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.from_number)
        self.api_url = settings.api_url
        self.to = to
        self.http_client = AsyncTwilioHttpClient(pool_connections=False, timeout=SEND_TIMEOUT_SECONDS)
        self.sent = 0  # texts handed to Twilio, whether or not it took them

    def get_hostname(self, uri: str) -> str:
        """Twilio's URL for the request, on TWILIO_API_URL's scheme and host when that is set."""
        uri = super().get_hostname(uri)
        if not self.api_url:
            return uri
        base = urlsplit(self.api_url)
        return urlunsplit(urlsplit(uri)._replace(scheme=base.scheme, netloc=base.netloc))

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        self.sent += 1
        try:
            return await self.messages.create_async(**message_data)
        except Exception as error:  # noqa: BLE001 - a text that fails must not fail the patient's turn
            # Twilio's error text quotes the patient's number: only the kind of failure is logged.
            status = getattr(error, "status", "")
            code = getattr(error, "code", "")
            logger.error("A text message was not sent (%s %s %s).", type(error).__name__, status, code)
            return None

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Texts the message as one text (recipient_id is the conversation's id, not a number)."""
        await self._send_message({"to": self.to, "from_": self.twilio_number, "body": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Texts the message with its quick replies' titles, which the patient may type."""
        await self.send_text_message(recipient_id, with_choices(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send_message({"to": self.to, "from_": self.twilio_number, "media_url": [image]})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Nothing: custom JSON (the escalation signal, the plan) is for the widget; its words come as text."""


class TwilioInput(rasa_twilio.TwilioInput):
    """The text-message channel, registered in credentials.yml as `channels.twilio_sms.TwilioInput`."""

    def __init__(
        self,
        settings: TwilioSettings,
        replies: Replies,
        clinic: Clinic,
        enrolments: EnrolmentStore,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.from_number, debug_mode=False)
        self.settings = settings
        self.replies = replies
        self.enrolments = enrolments
        self.clock = clock
        self.stopped = stopped_text(clinic)
        self.unknown_number = unknown_number_text(clinic)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Reads the settings, clinic.yml and the enrolments' database; refuses to start if the clinic file is wrong."""
        settings = TwilioSettings.read(credentials or {}, os.environ)
        if not settings.auth_token:
            # Off is a normal set-up; half a set-up (an account or number without its token) is a mistake.
            log = logger.warning if settings.account_sid or settings.from_number else logger.info
            log("TWILIO_AUTH_TOKEN is not set: text messages are off (the Twilio webhook refuses every request).")
        replies = prepare_server()
        enrolments = EnrolmentStore(connect(database_url(os.environ)))
        return cls(settings, replies, load_clinic(clinic_file()), enrolments)

    def get_output_channel(self) -> OutputChannel:
        # Rasa asks for one without a patient (to send a message pushed from outside a request): a number is needed.
        return CollectingOutputChannel()

    def signed_by_twilio(self, request: Request) -> bool:
        """Whether the request carries Twilio's signature under our auth token (never, when none is set)."""
        if not self.settings.auth_token:
            return False
        signature = request.headers.get(SIGNATURE_HEADER, "")
        url = self.settings.webhook_url or request.url
        return RequestValidator(self.settings.auth_token).validate(url, request.form, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.signed_by_twilio(request):
                logger.warning("Refused a request to the Twilio webhook without a valid %s.", SIGNATURE_HEADER)
                return response.text("This webhook answers only requests signed by Twilio.", status=403)
            sender, body = request.form.get("From"), request.form.get("Body")
            log_redaction.remember(sender, body)
            if sender:
                try:
                    await self.answer(sender, clean_text(body or ""), on_new_message)
                except Exception as error:  # noqa: BLE001 - Twilio gets its answer; the error type is logged
                    logger.error("A text message failed with %s.", type(error).__name__)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        redact_late_log_handlers(webhook)
        return webhook

    async def answer(self, sender: str, text: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Handles one text from `sender` (see the module docstring)."""
        log_redaction.remember(text)
        enrolment = self.enrolments.by_mobile(sender)
        if enrolment is None:
            await TwilioOutput(self.settings, sender).send_text_message(sender, self.unknown_number)
            return
        now = self.clock()
        if is_stop_request(text):
            if enrolment.stop_reason != "sms_stop":  # confirmed once; a repeated STOP is not answered
                self.enrolments.stop(enrolment.id, "sms_stop", now)
                await TwilioOutput(self.settings, sender).send_text_message(enrolment.conversation_id, self.stopped)
            return
        self.enrolments.record_answer(enrolment.id, now)
        output: TwilioOutput | CollectingOutputChannel = (
            TwilioOutput(self.settings, sender) if enrolment.stopped_at is None else CollectingOutputChannel()
        )
        refusal = self.replies.refusal(text)
        if refusal:
            await output.send_text_message(enrolment.conversation_id, refusal)
            return
        metadata = enrolment_metadata(enrolment.procedure_time, enrolment.timezone)
        message = UserMessage(text, output, enrolment.conversation_id, input_channel=self.name(), metadata=metadata)
        await run_patient_turn(on_new_message, message, self.replies, lambda: replied(output))


def replied(output: TwilioOutput | CollectingOutputChannel) -> bool:
    """Whether the turn said anything (a patient whose messages stopped is never texted: that counts as said)."""
    return output.sent > 0 if isinstance(output, TwilioOutput) else True

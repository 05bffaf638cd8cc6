"""The text-message channel (channels/twilio_sms.py) on a real Sanic server in this process, texting through the
local Twilio stand-in: only Twilio-signed requests are read, an enrolled patient's text joins their conversation
with the procedure time known and is answered by text, STOP ends the messages, and an unknown number is told whom
to call. The assistant is a stand-in coroutine here; tests/servers/test_text_messages.py runs the real one."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timezone

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from aftercare.clinic import load_clinic
from aftercare.replies import Replies
from channels.twilio_sms import TwilioInput, TwilioSettings
from storage.enrolments import EnrolmentStore, connect
from tests.alerts.receivers import free_port
from tests.twilio_stand_in import CLINIC_NUMBER, TwilioStandIn, incoming_text, post_signed

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=timezone.utc)
PATIENT = "+14155550100"
STRANGER = "+14155550199"
ANSWER = "Some redness is normal on day 1."
CLINIC = load_clinic("clinic.yml")


class ChannelServer:
    """The channel mounted as Rasa mounts it (/webhooks/twilio/webhook), served by Sanic on a loopback port."""

    def __init__(self, channel: TwilioInput) -> None:
        self.handed_to_assistant: list[UserMessage] = []
        self.port = free_port()
        self.app = Sanic(f"twilio_channel_test_{self.port}")
        Sanic.test_mode = True  # keeps Sanic 21.12 from rewriting its HTTP classes again for each app started here
        self.app.blueprint(channel.blueprint(self.assistant), url_prefix="/webhooks/twilio")
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def assistant(self, message: UserMessage) -> None:
        self.handed_to_assistant.append(message)
        await message.output_channel.send_text_message(message.sender_id, ANSWER)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/twilio/webhook"

    def start(self) -> ChannelServer:
        run = self.loop.run_until_complete
        self.server = run(self.app.create_server(port=self.port, return_asyncio_server=True, access_log=False))
        run(self.server.startup())
        run(self.server.before_start())
        run(self.server.after_start())
        self.thread.start()
        return self

    def stop(self) -> None:
        async def close() -> None:
            await self.server.before_stop()
            await self.server.close()
            await self.server.after_stop()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def text(self, sender: str, body: str, auth_token: str | None = None) -> int:
        """Posts a text as Twilio would, signed with `auth_token` (the account's by default); the status."""
        form = incoming_text(sender, body)
        status, _ = post_signed(self.url, form, *([auth_token] if auth_token is not None else []))
        return status


@pytest.fixture
def twilio():
    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def enrolments(tmp_path) -> EnrolmentStore:
    return EnrolmentStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))


@pytest.fixture
def enrolment(enrolments):
    enrolment, _ = enrolments.enrol(
        first_name="Anna",
        email=None,
        mobile=PATIENT,
        procedure_time=datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc),
        timezone="America/New_York",
        consent=True,
        idempotency_key=None,
        now=NOW,
    )
    return enrolment


def serve(twilio: TwilioStandIn, enrolments: EnrolmentStore, **settings: str):
    environment = {**twilio.environment(), **settings}
    channel = TwilioInput(
        TwilioSettings.read({}, environment), Replies.for_clinic(CLINIC), CLINIC, enrolments, clock=lambda: NOW
    )
    server = ChannelServer(channel).start()
    return server


@pytest.fixture
def channel(twilio, enrolments):
    server = serve(twilio, enrolments)
    yield server
    server.stop()


def test_a_signed_text_joins_the_patients_conversation_with_the_time_known_and_is_answered_by_text(
    channel, twilio, enrolment, enrolments
):
    assert channel.text(PATIENT, "is redness normal?") == 200

    (message,) = channel.handed_to_assistant
    assert message.text == "is redness normal?"
    assert message.sender_id == enrolment.conversation_id
    assert message.metadata == {"procedure_time": "2026-11-27T14:00:00Z", "timezone": "America/New_York"}
    (reply,) = twilio.texts_to(PATIENT)
    assert (reply.sender, reply.body) == (CLINIC_NUMBER, ANSWER)
    assert enrolments.last_answer(enrolment.id) == NOW


@pytest.mark.parametrize("auth_token", ["", "another-accounts-token-0123456789", "stand-in-auth-token-0123456788"])
def test_a_text_not_signed_with_the_accounts_token_is_refused_before_it_is_read(channel, twilio, enrolment, auth_token):
    assert channel.text(PATIENT, "is redness normal?", auth_token=auth_token) == 403
    assert channel.handed_to_assistant == []
    assert twilio.texts_to(PATIENT, timeout=0.5) == []


def test_without_an_auth_token_configured_every_request_is_refused(twilio, enrolments, enrolment):
    server = serve(twilio, enrolments, TWILIO_AUTH_TOKEN="")
    try:
        assert server.text(PATIENT, "is redness normal?", auth_token="") == 403
        assert server.handed_to_assistant == []
    finally:
        server.stop()


@pytest.mark.parametrize("keyword", ["STOP", "stop", " Stop ", "STOPALL", "unsubscribe", "Cancel", "END", "quit"])
def test_stop_ends_every_message_is_confirmed_once_and_never_reaches_the_assistant(
    channel, twilio, enrolment, enrolments, keyword
):
    assert channel.text(PATIENT, keyword) == 200
    stopped = enrolments.get(enrolment.id)
    assert (stopped.stopped_at, stopped.stop_reason) == (NOW, "sms_stop")
    assert enrolments.active(NOW) == []
    (confirmation,) = twilio.texts_to(PATIENT)
    assert "no more messages" in confirmation.body and CLINIC.phone in confirmation.body

    assert channel.text(PATIENT, "STOP") == 200
    assert channel.handed_to_assistant == []
    assert len(twilio.texts_to(PATIENT, count=2, timeout=0.5)) == 1


def test_a_sentence_with_stop_in_it_is_a_question_for_the_assistant(channel, twilio, enrolment, enrolments):
    assert channel.text(PATIENT, "how do I stop the redness?") == 200
    assert [message.text for message in channel.handed_to_assistant] == ["how do I stop the redness?"]
    assert enrolments.get(enrolment.id).stopped_at is None


def test_after_stop_a_text_still_reaches_the_conversation_but_nothing_is_texted_back(channel, twilio, enrolment):
    channel.text(PATIENT, "STOP")
    assert len(twilio.texts_to(PATIENT)) == 1

    assert channel.text(PATIENT, "there's pus coming out of a spot") == 200

    assert [message.sender_id for message in channel.handed_to_assistant] == [enrolment.conversation_id]
    assert len(twilio.texts_to(PATIENT, count=2, timeout=0.5)) == 1


def test_an_unknown_number_is_told_this_number_is_for_enrolled_patients_and_whom_to_call(channel, twilio, enrolment):
    assert channel.text(STRANGER, "hi, is redness normal?") == 200

    assert channel.handed_to_assistant == []
    (reply,) = twilio.texts_to(STRANGER)
    assert "patients" in reply.body and "enrolled" in reply.body and CLINIC.phone in reply.body
    assert twilio.texts_to(PATIENT, timeout=0.1) == []


def test_a_text_twilio_refuses_to_send_is_logged_without_the_patients_number_or_words(
    twilio, enrolments, enrolment, caplog
):
    server = serve(twilio, enrolments, TWILIO_ACCOUNT_SID="AC" + "1" * 30)  # an account the stand-in refuses
    try:
        with caplog.at_level(logging.DEBUG):
            assert server.text(PATIENT, "my quokka cheek is red") == 200
            assert len(server.handed_to_assistant) == 1
    finally:
        server.stop()
    assert "A text message was not sent" in caplog.text
    assert twilio.refused >= 1
    assert PATIENT not in caplog.text and "quokka" not in caplog.text

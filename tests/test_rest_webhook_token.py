"""The REST webhook's token (channels/rest.py): without REST_WEBHOOK_TOKEN it answers anyone, as before; with it,
only requests carrying `Authorization: Bearer <token>`, and a token too short to be a secret stops start-up."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage

from aftercare.clinic import load_clinic
from aftercare.replies import Replies
from channels.rest import RestInput, webhook_token

TOKEN = "a-server-to-server-token-0123456789"
BODY = json.dumps({"sender": "rest-token-test", "message": "is redness normal?"}).encode()


def webhook(token: str):
    """The channel's POST /webhook handler and the messages it handed to Rasa."""
    handed_to_rasa: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        handed_to_rasa.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Some redness is normal.")

    channel = RestInput(Replies.for_clinic(load_clinic("clinic.yml")), token)
    blueprint = channel.blueprint(on_new_message)
    (route,) = [route for route in blueprint._future_routes if route.uri == "/webhook"]
    return route.handler, handed_to_rasa


def post(handler, headers: dict[str, str], body: bytes = BODY):
    request = SimpleNamespace(headers=headers, body=body)
    answer = asyncio.run(handler(request))
    return answer.status, json.loads(answer.body), answer.headers


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}", "Bearer wrong-token-of-some-length", f"Bearer {TOKEN[:-1]}"],
)
def test_with_a_token_a_request_without_it_is_refused_before_rasa_sees_it(authorization):
    handler, handed_to_rasa = webhook(TOKEN)
    headers = {} if authorization is None else {"authorization": authorization}

    status, body, response_headers = post(handler, headers)

    assert status == 401
    assert body == {
        "description": "Unauthorized",
        "status": 401,
        "message": "This webhook is for servers holding REST_WEBHOOK_TOKEN: "
        "send Authorization: Bearer <REST_WEBHOOK_TOKEN>",
    }
    assert response_headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in json.dumps(body)
    assert handed_to_rasa == []


def test_a_refused_request_is_refused_whatever_its_body():
    handler, _ = webhook(TOKEN)
    assert post(handler, {}, b"not json")[0] == 401  # not 400: nothing is read before the token


@pytest.mark.parametrize("authorization", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"  Bearer   {TOKEN}  "])
def test_with_the_token_the_message_is_answered(authorization):
    handler, handed_to_rasa = webhook(TOKEN)

    status, body, _ = post(handler, {"authorization": authorization})

    assert status == 200
    assert body == [{"recipient_id": "rest-token-test", "text": "Some redness is normal."}]
    assert [message.text for message in handed_to_rasa] == ["is redness normal?"]


def test_without_a_token_anyone_is_answered_as_before():
    handler, handed_to_rasa = webhook("")
    status, body, _ = post(handler, {})
    assert status == 200 and body[0]["text"] == "Some redness is normal."
    assert post(handler, {}, b"not json")[0] == 400  # the channel's other checks are unchanged


def test_the_token_comes_from_the_variable_or_its_file(tmp_path):
    assert webhook_token({}) == ""
    assert webhook_token({"REST_WEBHOOK_TOKEN": f" {TOKEN} "}) == TOKEN
    secret = tmp_path / "rest_webhook_token"
    secret.write_text(TOKEN + "\n")
    environ = {"REST_WEBHOOK_TOKEN_FILE": str(secret)}
    assert webhook_token(environ) == TOKEN
    assert environ == {"REST_WEBHOOK_TOKEN": TOKEN}  # Rasa and later readers see the value, not the file


def test_a_token_shorter_than_16_characters_stops_start_up(monkeypatch):
    monkeypatch.setenv("REST_WEBHOOK_TOKEN", "x" * 15)
    with pytest.raises(SystemExit) as stopped:
        RestInput.from_credentials(None)  # what Rasa calls when it creates the channels, before the model loads
    assert str(stopped.value) == (
        "Refusing to start the Rasa server: REST_WEBHOOK_TOKEN must be at least 16 characters long"
    )


def test_a_token_of_16_characters_is_accepted():
    assert webhook_token({"REST_WEBHOOK_TOKEN": "x" * 16}) == "x" * 16


def test_an_unreadable_token_file_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.delenv("REST_WEBHOOK_TOKEN", raising=False)
    monkeypatch.setenv("REST_WEBHOOK_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(SystemExit, match="REST_WEBHOOK_TOKEN_FILE: cannot read .*missing"):
        RestInput.from_credentials(None)

"""A local HTTP server speaking Twilio's Messages API, the one stand-in for the text-message provider in tests.

It takes `POST /2010-04-01/Accounts/<sid>/Messages.json` as Twilio does (a form with To, From and Body, HTTP basic
auth with the account SID and auth token), answers 201 with the message resource, and keeps each text it took in
`messages`. A request with the wrong account or token gets Twilio's 401. Also signs webhook requests as Twilio
signs the ones it posts to a clinic's server.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from twilio.request_validator import RequestValidator

from tests.alerts.receivers import free_port

ACCOUNT_SID = "AC" + "0" * 30
AUTH_TOKEN = "stand-in-auth-token-0123456789abcdef"
CLINIC_NUMBER = "+15005550006"


@dataclass(frozen=True)
class Text:
    """One text message the clinic sent through the stand-in."""

    to: str
    sender: str
    body: str


class TwilioStandIn:
    """Twilio's Messages API on a loopback port (see the module docstring)."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.port = free_port()
        self.messages: list[Text] = []
        self.refused = 0
        self.arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """What TWILIO_API_URL is set to."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The settings that point a server's Twilio client here."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM_NUMBER": CLINIC_NUMBER,
            "TWILIO_API_URL": self.url,
        }

    def texts_to(self, number: str, count: int = 1, timeout: float = 30) -> list[Text]:
        """The texts sent to `number`, once there are `count` of them or `timeout` seconds have passed."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self._to(number)) >= count, timeout)
            return self._to(number)

    def _to(self, number: str) -> list[Text]:
        return [message for message in self.messages if message.to == number]

    def start(self) -> TwilioStandIn:
        stand_in = self
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        expected_auth = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                if self.headers.get("Authorization") != expected_auth:
                    stand_in.refused += 1
                    return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if self.path != expected_path:
                    return self.answer(404, {"code": 20404, "message": "Not found", "status": 404})
                form = urllib.parse.parse_qs(body)
                text = Text(form["To"][0], form["From"][0], form.get("Body", [""])[0])
                with stand_in.arrived:
                    stand_in.messages.append(text)
                    stand_in.arrived.notify_all()
                sid = "SM" + secrets.token_hex(16)
                resource = {"sid": sid, "account_sid": stand_in.account_sid, "to": text.to, "from": text.sender}
                self.answer(201, {**resource, "body": text.body, "status": "queued", "num_segments": "1"})

            def answer(self, status: int, content: dict) -> None:
                raw = json.dumps(content).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def incoming_text(sender: str, body: str, to: str = CLINIC_NUMBER) -> dict[str, str]:
    """The form Twilio posts to the clinic's webhook for a text a patient sent."""
    return {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }


def signature(url: str, form: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send with `form` posted to `url`."""
    return RequestValidator(auth_token).compute_signature(url, form)


def post_signed(url: str, form: dict[str, str], auth_token: str = AUTH_TOKEN, timeout: float = 60) -> tuple[int, str]:
    """Posts `form` to the webhook at `url` as Twilio does, signed; the status and the answer's text."""
    data = urllib.parse.urlencode(form).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature(url, form, auth_token),
    }
    request = urllib.request.Request(url, data, headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()

"""A local HTTP server that speaks Twilio's Messages API: the only stand-in for an outside service in the tests.

POST /2010-04-01/Accounts/<sid>/Messages.json with HTTP basic auth (the account sid and auth token) and the form
fields To, From and Body answers 201 with the JSON Twilio returns (a message `sid`, `status` "queued", ...); a wrong
account or token answers 401 with Twilio's error JSON, a missing field 400. Point the programme at it with
TWILIO_API_URL.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.alerts.receivers import free_port


class TwilioStandIn:
    """Accepts text messages for one account; `messages` holds each accepted one's To, From and Body."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.port = free_port()
        self.messages: list[dict[str, str]] = []
        self.refused = 0
        self.arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TwilioStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
                expected = base64.b64encode(f"{stand_in.account_sid}:{stand_in.auth_token}".encode()).decode()
                path = f"/2010-04-01/Accounts/{stand_in.account_sid}/Messages.json"
                if self.path != path or self.headers.get("Authorization") != f"Basic {expected}":
                    stand_in.refused += 1
                    self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                fields = {name: form.get(name, [""])[0] for name in ("To", "From", "Body")}
                if not all(fields.values()):
                    self._answer(400, {"code": 21604, "message": "A 'To', 'From' and 'Body' are required"})
                    return
                sid = "SM" + secrets.token_hex(16)
                with stand_in.arrived:
                    stand_in.messages.append(fields)
                    stand_in.arrived.notify_all()
                self._answer(
                    201,
                    {
                        "sid": sid,
                        "account_sid": stand_in.account_sid,
                        "to": fields["To"],
                        "from": fields["From"],
                        "body": fields["Body"],
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"{path[:-5]}/{sid}.json",
                    },
                )

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

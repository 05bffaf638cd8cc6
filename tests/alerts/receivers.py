"""A real webhook receiver and a real SMTP server on loopback, for the alert tests."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aftercare.alerts.delivery import SIGNATURE_HEADER, verify_signature


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebhookReceiver:
    """Accepts alert POSTs on a port, checking each signature as a clinic's receiver would.

    `alerts` holds the payloads whose signature was right, `refused` counts the others; `status` is what it
    answers (e.g. 503 to play a receiver that is down but reachable).
    """

    def __init__(self, secret: str, port: int | None = None) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.alerts: list[dict] = []
        self.refused = 0
        self.status = 200
        self.arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                good = verify_signature(body, self.headers.get(SIGNATURE_HEADER, ""), receiver.secret)
                status = receiver.status if good else 401
                if good and status == 200:
                    with receiver.arrived:
                        receiver.alerts.append(json.loads(body))
                        receiver.arrived.notify_all()
                elif not good:
                    receiver.refused += 1
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.allow_reuse_address = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout: float) -> list[dict]:
        """Waits until `count` alerts arrived (or the timeout passed); the alerts so far."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.alerts) >= count, timeout)
            return list(self.alerts)


class MailServer:
    """aiosmtpd's SMTP server on a loopback port, keeping every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()

        class Handler:
            async def handle_DATA(inner, server, session, envelope):  # noqa: N802,N805 - aiosmtpd's names
                from email import message_from_bytes, policy

                self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()

"""Real webhook receivers (a good one, one that misbehaves) and a real SMTP server on loopback, for the alert tests."""

from __future__ import annotations

import json
import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.delivery import SIGNATURE_HEADER, verify_signature


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
        # A short poll interval lets stop() return at once rather than after the default half second.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
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


def read_request(connection: socket.socket) -> tuple[dict[str, str], bytes]:
    """An HTTP request's headers (names in lower case) and body, read from a connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return {}, b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = (line.decode("latin-1").partition(":") for line in head.split(b"\r\n")[1:])
    headers = {name.strip().lower(): value.strip() for name, _, value in fields}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return headers, body


class MisbehavingReceiver:
    """A webhook receiver that accepts every alert but those of the `failing` conversations, which it fails `how`.

    "garbage": answers a line that is not HTTP; "hang": never answers, holding the connection until the sender
    gives up or `release()` closes it. `alerts` holds the accepted payloads (signature checked), `held` the number of
    requests held unanswered right now.
    """

    def __init__(self, secret: str, failing: set[str], how: str) -> None:
        if how not in ("garbage", "hang"):
            raise ValueError(f"how must be garbage or hang, not {how!r}")
        self.secret, self.failing, self.how = secret, failing, how
        self.port = free_port()
        self.alerts: list[dict] = []
        self.held = 0
        self.changed = threading.Condition()
        self._released = threading.Event()
        self._listener: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> MisbehavingReceiver:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            headers, body = read_request(connection)
            alert = json.loads(body or b"{}")
            if alert.get("conversation_id") not in self.failing:
                good = verify_signature(body, headers.get(SIGNATURE_HEADER.lower(), ""), self.secret)
                status = b"200 OK" if good else b"401 Unauthorized"
                connection.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                if good:
                    with self.changed:
                        self.alerts.append(alert)
                        self.changed.notify_all()
            elif self.how == "garbage":
                connection.sendall(b"Welcome to the clinic's server!\r\n")
            else:
                self._hold(connection)

    def _hold(self, connection: socket.socket) -> None:
        """Keeps a request unanswered until the sender closes the connection or `release()` is called."""
        with self.changed:
            self.held += 1
            self.changed.notify_all()
        try:
            while not self._released.is_set():
                readable, _, _ = select.select([connection], [], [], 0.05)
                if readable and not connection.recv(1):
                    break  # the sender gave up
        finally:
            with self.changed:
                self.held -= 1
                self.changed.notify_all()

    def wait_until_held(self, count: int, timeout: float) -> int:
        """Waits until `count` requests are held unanswered at once (or the timeout passed); how many are."""
        with self.changed:
            self.changed.wait_for(lambda: self.held >= count, timeout)
            return self.held

    def release(self) -> None:
        """Closes every held request without an answer."""
        self._released.set()

    def stop(self) -> None:
        self.release()
        if self._listener is not None:
            self._listener.close()
            self._listener = None


class MailServer:
    """aiosmtpd's SMTP server on a loopback port, keeping every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        self.arrived = threading.Condition()

        class Handler:
            async def handle_DATA(inner, server, session, envelope):  # noqa: N802,N805 - aiosmtpd's names
                from email import message_from_bytes, policy

                with self.arrived:
                    message = message_from_bytes(envelope.content, policy=policy.default)
                    self.messages.append((envelope.rcpt_tos, message))
                    self.arrived.notify_all()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float) -> list:
        """Waits until `count` messages arrived (or the timeout passed); the messages so far."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

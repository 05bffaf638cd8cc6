"""Real action and Rasa servers on loopback, for end-to-end tests and `make loadtest`.

Both start through the project's entry points (`python -m actions.server`, `scripts/rasa_server.py`) with a
token between them, as `make run` does, and share one SQLite tracker store the tests can read.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
import urllib.error
import urllib.request
from pathlib import Path

from aftercare.environment import DEFAULTS
from scripts.processes import ROOT, ManagedProcess

BIN = Path(sys.executable).parent
MODEL = ROOT / DEFAULTS["MODEL"]


def wait_for(url: str, process: ManagedProcess, limit: float = 180) -> None:
    """Waits for `url` to answer, failing early (with the end of its log) if the process died."""
    process.wait_for_url(url, limit)


class Servers:
    """The action server and a restartable Rasa server sharing one SQLite tracker store."""

    def __init__(self, workdir: Path, rasa_port: int, action_port: int, **env: str) -> None:
        self.workdir = workdir
        self.rasa_port = rasa_port
        self.action_port = action_port
        self.database = workdir / "conversations.db"
        self.env = {
            **os.environ,
            "ACTION_SERVER_URL": f"http://localhost:{action_port}/webhook",
            "ACTION_SERVER_TOKEN": secrets.token_hex(24),
            "TRACKER_STORE_URL": f"sqlite:///{self.database}",
            "MODEL": str(MODEL),
            "RASA_PORT": str(rasa_port),
            **env,
        }
        self.actions: ManagedProcess | None = None
        self.rasa: ManagedProcess | None = None
        self.demo: ManagedProcess | None = None
        self.dispatcher: ManagedProcess | None = None

    def _start(self, args: list[str], log_name: str, env: dict[str, str]) -> ManagedProcess:
        return ManagedProcess(log_name.removesuffix(".log"), args, self.workdir / log_name, env=env).start()

    def start_actions(self, wait: bool = True) -> None:
        args = [sys.executable, "-m", "actions.server", "--port", str(self.action_port)]
        self.actions = self._start(args, "actions.log", self.env)
        if wait:
            wait_for(f"http://localhost:{self.action_port}/health", self.actions)

    def start_dispatcher(self) -> None:
        """Starts the alert dispatcher (alerts.log), for servers given alert settings."""
        args = [sys.executable, "-m", "services.dispatcher", "--poll-seconds", "0.5"]
        self.dispatcher = self._start(args, "alerts.log", self.env)

    def start_rasa(self, wait: bool = True, **env: str) -> None:
        """Starts the Rasa server; `env` adds settings for this start only (e.g. RASA_ENABLE_API)."""
        self.rasa = self._start([sys.executable, "scripts/rasa_server.py"], "rasa.log", {**self.env, **env})
        if wait:
            self.wait_for_rasa()

    def start_demo(self, port: int) -> None:
        """Starts the demo clinic page on `port` (the caller's choice), its widget talking to this Rasa server."""
        args = [sys.executable, "widget/serve_demo.py", "--port", str(port), "--server-url", self.url]
        self.demo = self._start(args, "demo.log", self.env)
        wait_for(f"http://localhost:{port}/", self.demo, limit=60)

    def wait_for_rasa(self) -> None:
        wait_for(f"http://localhost:{self.rasa_port}/", self.rasa, limit=240)

    def start_both(self) -> None:
        """Starts both servers at once (the Rasa server needs no action server to start) and waits for them."""
        print("\n   starting the action server and the Rasa server (about 30 s)", file=sys.stderr)
        self.start_actions(wait=False)
        self.start_rasa(wait=False)
        wait_for(f"http://localhost:{self.action_port}/health", self.actions)
        self.wait_for_rasa()

    def stop_both(self) -> None:
        """Stops the Rasa server and the action server, and the demo page and alert dispatcher if started."""
        self.stop(self.demo)
        self.stop(self.rasa)
        self.stop(self.actions)
        self.stop(self.dispatcher)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    def log(self, name: str) -> str:
        """What a server wrote so far: name is "rasa", "actions" or "demo"."""
        return (self.workdir / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    @staticmethod
    def stop(process: ManagedProcess | None) -> None:
        if process is not None:
            process.stop()

    def restart_rasa(self, **env: str) -> None:
        self.stop(self.rasa)
        self.start_rasa(**env)

    def send(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        """One patient message through the REST channel; the list of bot messages."""
        status, replies = self.post(json.dumps({"sender": sender, "message": message, "metadata": metadata or {}}))
        assert status == 200, replies
        return replies

    def post(
        self,
        body: str | bytes,
        path: str = "/webhooks/rest/webhook",
        timeout: float = 60,
        port: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, object]:
        """POSTs a raw body (to the Rasa server unless `port` says otherwise).

        Returns the status and the parsed JSON answer (the raw text if it is not JSON).
        """
        data = body.encode() if isinstance(body, str) else body
        url = f"http://localhost:{port or self.rasa_port}{path}"
        request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def events(self, sender: str, type_name: str) -> list[dict]:
        """The events of one type the tracker store recorded in `sender`'s conversation, in order."""
        with sqlite3.connect(self.database) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = ? ORDER BY id", (sender, type_name)
            ).fetchall()
        return [json.loads(data) for (data,) in rows]

    def slot_values(self, sender: str, slot: str) -> list:
        """Every value the tracker store recorded for `slot` in `sender`'s conversation, in order."""
        return [event["value"] for event in self.events(sender, "slot") if event["name"] == slot]

    def user_texts(self, sender: str) -> list[str]:
        """What the tracker store recorded the patient saying, in order."""
        return [event["text"] for event in self.events(sender, "user")]

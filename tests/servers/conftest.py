"""Starts the real action server and Rasa server on loopback for end-to-end tests, and stops them after."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "aftercare.tar.gz"
RASA_PORT = 5105
ACTION_PORT = 5155


def wait_for(url: str, process: subprocess.Popen, limit: float = 180) -> None:
    """Waits for `url` to answer, failing early with the log if the process died."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {limit:.0f}s")


class Servers:
    """The action server and a restartable Rasa server sharing one SQLite tracker store."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.database = workdir / "conversations.db"
        self.env = {
            **os.environ,
            "ACTION_SERVER_URL": f"http://localhost:{ACTION_PORT}/webhook",
            "TRACKER_STORE_URL": f"sqlite:///{self.database}",
        }
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None

    def _start(self, args: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_actions(self) -> None:
        self.actions = self._start(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(ACTION_PORT)], "actions.log"
        )
        wait_for(f"http://localhost:{ACTION_PORT}/health", self.actions)

    def start_rasa(self) -> None:
        self.rasa = self._start(
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(RASA_PORT),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            "rasa.log",
        )
        wait_for(f"http://localhost:{RASA_PORT}/", self.rasa)

    @staticmethod
    def stop(process: subprocess.Popen | None) -> None:
        if process and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart_rasa(self) -> None:
        self.stop(self.rasa)
        self.start_rasa()

    def send(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        """One patient message through the REST channel; the list of bot messages."""
        body = json.dumps({"sender": sender, "message": message, "metadata": metadata or {}}).encode()
        request = urllib.request.Request(
            f"http://localhost:{RASA_PORT}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def slot_values(self, sender: str, slot: str) -> list:
        """Every value the tracker store recorded for `slot` in `sender`'s conversation, in order."""
        with sqlite3.connect(self.database) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id", (sender,)
            ).fetchall()
        events = [json.loads(data) for (data,) in rows]
        return [event["value"] for event in events if event["name"] == slot]


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("servers"))
    try:
        print("\n   starting the action server and the Rasa server (about 30 s)", file=sys.stderr)
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop(running.rasa)
        running.stop(running.actions)

"""`make run` (scripts/serve.sh) keeps serving when one of its servers dies, and starts the dead one again.

The whole stack starts as `make run` starts it, on free ports, with its logs and conversations in a temporary
folder. A server is killed as a crash would kill it (SIGKILL to its process group); the patient's side (the Rasa
server, the demo page), the action server and the staff console must keep answering, and the dead one must answer
again. The staff console is kept from coming back for a while by holding its port, so that it fails to start again
and is retried with supervisord's backoff until the port is free.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from scripts.processes import ManagedProcess, answers, descendants, url_answers
from scripts.servers import MODEL
from tests.alerts.receivers import free_port

START_LIMIT = 400  # seconds: the widget build, then the Rasa server loading the model on a busy machine
RESTART_LIMIT = 120
STOP_LIMIT = 60


class Stack:
    """`scripts/serve.sh` running in its own process group; its terminal output in `terminal.log`."""

    def __init__(self, workdir: Path) -> None:
        self.ports = {name: free_port() for name in ("RASA_PORT", "ACTION_PORT", "DEMO_PORT", "CONSOLE_PORT")}
        self.log_dir = workdir / "logs"
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("ALERT_", "SMTP_")) and name not in ("LOG_DIR", "ACTION_SERVER_TOKEN")
        }
        env |= {name: str(port) for name, port in self.ports.items()}
        env |= {
            "LOG_DIR": str(self.log_dir),
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'conversations.db'}",
            "MODEL": str(MODEL),
        }
        self.serve = ManagedProcess("serve.sh", ["scripts/serve.sh"], workdir / "terminal.log", env=env)

    def url(self, port_name: str, path: str = "/") -> str:
        return f"http://localhost:{self.ports[port_name]}{path}"

    def start(self) -> None:
        self.serve.start()
        self.serve.wait_until(lambda: "==> Ready" in self.terminal(), START_LIMIT)

    def terminal(self) -> str:
        """What `make run` printed so far."""
        return self.serve.log()

    def server_pid(self, command_part: str) -> int:
        """The pid of the server process whose command line contains `command_part`."""
        for pid in descendants(self.serve.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if command_part in command and os.getpgid(pid) == pid:
                return pid
        raise AssertionError(f"no server running {command_part!r} under serve.sh")

    def crash(self, command_part: str) -> int:
        """Kills a server and its workers at once, as a crash would; its pid."""
        pid = self.server_pid(command_part)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def rest_turn(self, sender: str, text: str, metadata: dict | None = None) -> str:
        """A patient's message through the REST webhook; the bot's texts joined ('' when no answer)."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        replies = answers(self.url("RASA_PORT", "/webhooks/rest/webhook"), body, timeout=60) or []
        return " ".join(reply.get("text", "") for reply in replies)

    def everything_but(self, down: str) -> dict[str, bool]:
        """Whether each server other than `down` answers."""
        checks = {
            "rasa": lambda: bool(self.rest_turn("patient-still-served", "hi")),
            "actions": lambda: url_answers(self.url("ACTION_PORT", "/health")),
            "demo": lambda: url_answers(self.url("DEMO_PORT", "/")),
            "console": lambda: url_answers(self.url("CONSOLE_PORT", "/health")),
        }
        return {name: check() for name, check in checks.items() if name != down}

    def wait(self, condition, limit: float, what: str) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            assert self.serve.running, f"make run stopped; it printed:\n{self.terminal()[-3000:]}"
            printed = self.terminal()[-3000:]
            assert time.monotonic() < deadline, f"{what} within {limit:.0f}s; make run printed:\n{printed}"
            time.sleep(0.25)


def hold_port(port: int, limit: float = 30) -> socket.socket:
    """Listens on the port as soon as the killed server has let it go, so that its restarts fail."""
    deadline = time.monotonic() + limit
    while True:
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", port))
            holder.listen()
            return holder
        except OSError:
            holder.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Stack(tmp_path_factory.mktemp("make_run"))
    try:
        print("\n   starting make run's servers (about a minute)")
        running.start()
        yield running
    finally:
        running.serve.stop(timeout=STOP_LIMIT)


def test_a_crashed_staff_console_is_retried_with_backoff_and_back_while_the_others_answer(stack):
    stack.crash("-m console")
    holder = hold_port(stack.ports["CONSOLE_PORT"])
    try:
        # The first restart and at least one retry after a pause fail on the held port.
        stack.wait(lambda: stack.terminal().count("exited: console") >= 3, RESTART_LIMIT, "no console retries")
        assert stack.everything_but("console") == {"rasa": True, "actions": True, "demo": True}
        assert "exited: console (terminated by SIGKILL; not expected)" in stack.terminal()
        assert "gave up: console" not in stack.terminal()
    finally:
        holder.close()
    stack.wait(lambda: url_answers(stack.url("CONSOLE_PORT", "/health")), RESTART_LIMIT, "the console is not back")
    assert stack.everything_but("console") == {"rasa": True, "actions": True, "demo": True}


def test_a_crashed_action_server_is_started_again_and_answers_the_next_question(stack):
    killed = stack.crash("-m actions.server")
    assert stack.everything_but("actions") == {"rasa": True, "demo": True, "console": True}
    stack.wait(lambda: url_answers(stack.url("ACTION_PORT", "/health")), RESTART_LIMIT, "the action server is not back")
    assert stack.server_pid("-m actions.server") != killed
    three_hours_ago = (datetime.now(timezone.utc) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    reply = stack.rest_turn("patient-after-restart", "can I wear make-up?", {"procedure_time": three_hours_ago})
    assert "Not yet" in reply and "about 3 hours" in reply


def test_the_logs_supervisords_included_are_readable_by_their_owner_only(stack):
    logs = sorted(stack.log_dir.glob("*.log"))
    assert {log.stem for log in logs} >= {"actions", "rasa", "demo", "console", "supervisord"}
    assert {log.name: stat.S_IMODE(log.stat().st_mode) for log in logs} == {log.name: 0o600 for log in logs}


def test_ctrl_c_stops_every_server(stack):
    commands = ("-m actions.server", "rasa_server.py", "serve_demo.py", "-m console")
    servers = [stack.server_pid(command) for command in commands]
    os.killpg(stack.serve.pid, signal.SIGINT)
    stack.serve.process.wait(timeout=STOP_LIMIT)
    assert [pid for pid in servers if Path(f"/proc/{pid}").exists()] == []
    assert not any(url_answers(stack.url(name)) for name in stack.ports)

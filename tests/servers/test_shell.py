"""`make shell` as a patient uses it, typed into a real terminal (tmux, Debian's package).

Before: the time question's quick replies were Rasa's arrow-key menu, so "yesterday morning" + Enter answered
"Earlier today" (make-up "Not yet", for a treatment 2 hours ago), and a dozen dependency warnings filled the terminal
before the first line of conversation. Now the choices are a numbered line, what the patient types is what is sent,
and the terminal shows one line about where the logs go before "Bot loaded".

A plain `rasa shell` (with `rasa run actions`) reads typed answers too, and shows no warning either: `make install`
puts a hook into the venv (scripts/rasa_shell_hook.py) that sends its logs and warnings to results/logs/shell.log.

The clock is fixed (AFTERCARE_NOW, as in the test stories): "yesterday morning" is about a day and a half before it.
Ports 5108 and 5158 (SHELL_TESTS_RASA_PORT / SHELL_TESTS_ACTION_PORT), and 5107 and 5055 for the plain commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.processes import ManagedProcess
from scripts.servers import MODEL, ROOT
from tests.servers.test_plain_rasa_commands import PROJECT_VARIABLES, RASA

RASA_PORT = os.environ.get("SHELL_TESTS_RASA_PORT", "5108")
ACTION_PORT = os.environ.get("SHELL_TESTS_ACTION_PORT", "5158")
PLAIN_RASA_PORT = os.environ.get("SHELL_TESTS_PLAIN_RASA_PORT", "5107")  # while the first shell may still be stopping
NOW = "2026-11-29T17:00:00Z"  # a Sunday, 5 pm: "yesterday morning" is Saturday morning
PROMPT = "Your input ->"
CHOICES = "Type a number or your own words:"
RASA_MENU = "Type out your own message..."  # the last entry of Rasa's arrow-key menu
START_LIMIT = 300  # seconds for both servers to start and the model to load on a busy machine
REPLY_LIMIT = 90
# A warning as Python prints it ("DeprecationWarning: ...", "Warning: ...") or as Rasa logs it ("WARNING").
WARNING_LINE = re.compile(r"[A-Za-z]*Warning:|WARNING|py\.warnings")


class Terminal:
    """A tmux session of its own (private server socket), typed into and read like a patient's terminal."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"aftercare-shell-test-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-s", "shell", "-x", "200", "-y", "50", "-c", str(cwd), command, env=env)
        self._tmux("set-option", "-t", "shell", "history-limit", "10000")

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=env, check=True, timeout=30
        )
        return done.stdout

    def screen(self) -> str:
        """Everything the terminal showed, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "shell")

    def type(self, text: str) -> None:
        """Types `text` and presses Enter, as a patient does."""
        self._tmux("send-keys", "-t", "shell", "-l", text)
        self._tmux("send-keys", "-t", "shell", "Enter")

    def wait_for(self, ready: Callable[[str], bool], limit: float) -> str:
        """The screen once `ready(screen)` holds; fails with the screen after `limit` seconds."""
        deadline = time.monotonic() + limit
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the terminal did not show what was expected within {limit:.0f}s:\n{screen}")
            time.sleep(0.5)

    def answer(self, text: str) -> str:
        """Types `text` and returns what the assistant printed, once it waits for the next message."""
        before = self.screen()
        prompts, menus = before.count(PROMPT), before.count(RASA_MENU)
        self.type(text)
        screen = self.wait_for(
            lambda shown: (shown.count(PROMPT) > prompts and shown.rstrip().endswith(PROMPT))
            or shown.count(RASA_MENU) > menus,
            REPLY_LIMIT,
        )
        shown = screen.rstrip().removesuffix(PROMPT)
        return shown[shown.rindex(PROMPT) :]  # from the line the patient typed on

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """`make shell` in a terminal, with the trained model; its conversation store and log in a temporary folder."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: `apt-get install -y tmux` (make test-servers installs it)")
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    folder = tmp_path_factory.mktemp("shell")
    log = folder / "shell.log"
    env = {
        **os.environ,
        "AFTERCARE_NOW": NOW,
        "TRACKER_STORE_URL": f"sqlite:///{folder / 'conversations.db'}",
        "TERM": "xterm-256color",
    }
    # -o: the model given is used as it is, never retrained here.
    command = (
        f"make --no-print-directory -o {MODEL} shell MODEL={MODEL} RASA_PORT={RASA_PORT} ACTION_PORT={ACTION_PORT} "
        f"SHELL_LOG={log}; sleep 3600"
    )
    terminal = Terminal(command, ROOT, env)
    try:
        terminal.wait_for(lambda screen: screen.rstrip().endswith(PROMPT), START_LIMIT)
        yield terminal, log
    finally:
        terminal.close()


def test_a_patient_types_answers_and_sees_no_warning(shell):
    terminal, log = shell
    start = terminal.screen()
    before_the_conversation = [line for line in start[: start.index("Bot loaded")].splitlines() if line.strip()]
    assert before_the_conversation == [
        f"Starting the assistant (about a minute); its logs and warnings go to {log}"
    ], start

    asked = terminal.answer("when can I wear makeup?")
    assert "when did you have your microneedling treatment?" in asked
    answered = terminal.answer("yesterday morning")  # Rasa's menu took Enter as its first entry, "Earlier today"
    assert "Yes, you can wear make-up again" in answered, answered
    assert "Based on your treatment about 1 day ago" in answered, answered
    assert "Not yet" not in answered and "2 hours ago" not in answered
    assert f"{CHOICES} 1) Earlier today  2) Yesterday  3) 2-3 days ago" in asked
    assert "Use arrow keys" not in asked and RASA_MENU not in asked

    planned = terminal.answer("what can I do now?")
    assert "How does your skin look today?" in planned
    assert f"{CHOICES} 1) All good  2) Still red or swollen  3) Something worries me" in planned

    checked_in = terminal.answer("all good")
    assert "Good to hear, that's how it should be going" in checked_in, checked_in

    screen = terminal.screen()
    assert [line for line in screen.splitlines() if WARNING_LINE.search(line)] == []
    assert "DeprecationWarning" in log.read_text(encoding="utf-8")  # the warnings went to the log file instead


@pytest.fixture(scope="module")
def plain_shell(tmp_path_factory):
    """`rasa run actions` and a plain `rasa shell` in a copy of the project folder, with nothing exported.

    endpoints.yml names the action server's default port, so 5055 must be free (as for test_plain_rasa_commands).
    """
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: `apt-get install -y tmux` (make test-servers installs it)")
    folder = tmp_path_factory.mktemp("plain-shell") / "project"
    ignored = shutil.ignore_patterns(".venv", "models", "results", ".git", "node_modules", "*.db", ".session_secret")
    shutil.copytree(ROOT, folder, ignore=ignored)
    env = {name: value for name, value in os.environ.items() if name not in PROJECT_VARIABLES}
    env.pop("PYTHONPATH", None)
    env |= {"AFTERCARE_NOW": NOW, "TERM": "xterm-256color"}
    actions = ManagedProcess("actions", [RASA, "run", "actions"], folder / "actions.log", cwd=folder, env=env)
    actions.start()
    terminal = Terminal(f"{RASA} shell --model {MODEL} --port {PLAIN_RASA_PORT}; sleep 3600", folder, env)
    try:
        actions.wait_for_url("http://localhost:5055/health", limit=START_LIMIT)
        terminal.wait_for(lambda screen: screen.rstrip().endswith(PROMPT), START_LIMIT)
        yield terminal
    finally:
        terminal.close()
        actions.stop()


def test_a_plain_rasa_shell_reads_typed_answers_too(plain_shell):
    start = plain_shell.screen()
    before_the_conversation = [line for line in start[: start.index("Bot loaded")].splitlines() if line.strip()]
    assert before_the_conversation == [
        "Starting the assistant (about a minute); its logs and warnings go to results/logs/shell.log"
    ], start
    asked = plain_shell.answer("when can I wear makeup?")
    assert f"{CHOICES} 1) Earlier today  2) Yesterday  3) 2-3 days ago" in asked, asked
    answered = plain_shell.answer("2")  # the second choice: "Yesterday"
    assert "Yes, you can wear make-up again" in answered, answered
    assert "Based on your treatment about 1 day ago" in answered, answered

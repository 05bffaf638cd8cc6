"""Plain Rasa commands in the project folder, with nothing exported: `rasa run actions` and `rasa run` talk.

Run in a copy of the project folder, so that the conversations.db and .session_secret they create stay out of
the working tree; the copy holds what a clone holds (no .venv, models or results), and the model is passed as
`rasa run --model`. endpoints.yml names rasa-sdk's default port, so this test needs port 5055 free.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

from scripts.processes import ManagedProcess
from scripts.servers import MODEL, ROOT

RASA = str(Path(sys.executable).parent / "rasa")
ACTION_PORT = 5055  # endpoints.yml's
RASA_PORT = 5109
# What `make` or a shell profile might export; a newcomer's terminal has none of it.
PROJECT_VARIABLES = ("ACTION_SERVER_URL", "ACTION_SERVER_TOKEN", "TRACKER_STORE_URL", "ENDPOINTS", "CORS_ORIGINS")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def plain_rasa(tmp_path_factory):
    if not port_is_free(ACTION_PORT) or not port_is_free(RASA_PORT):
        pytest.fail(f"ports {ACTION_PORT} and {RASA_PORT} must be free for the plain `rasa run` test")
    folder = tmp_path_factory.mktemp("plain") / "project"
    ignored = shutil.ignore_patterns(".venv", "models", "results", ".git", "node_modules", "*.db", ".session_secret")
    shutil.copytree(ROOT, folder, ignore=ignored)
    env = {name: value for name, value in os.environ.items() if name not in PROJECT_VARIABLES}
    env.pop("PYTHONPATH", None)
    logs = folder / "logs"
    logs.mkdir()
    actions = ManagedProcess("actions", [RASA, "run", "actions"], logs / "actions.log", cwd=folder, env=env)
    rasa_args = [RASA, "run", "--model", str(MODEL), "--port", str(RASA_PORT)]
    rasa = ManagedProcess("rasa", rasa_args, logs / "rasa.log", cwd=folder, env=env, stop_signal=signal.SIGTERM)
    try:
        actions.start(), rasa.start()
        actions.wait_for_url(f"http://localhost:{ACTION_PORT}/health", limit=120)
        rasa.wait_for_url(f"http://localhost:{RASA_PORT}/", limit=240)
        yield folder
    finally:
        rasa.stop()
        actions.stop()


def test_rasa_run_actions_and_rasa_run_answer_with_nothing_exported(plain_rasa):
    body = json.dumps({"sender": "a", "message": "can I wear make-up?"}).encode()
    request = urllib.request.Request(f"http://localhost:{RASA_PORT}/webhooks/rest/webhook", body)
    with urllib.request.urlopen(request, timeout=60) as answer:
        replies = json.loads(answer.read())
    said = " ".join(reply.get("text", "") for reply in replies)
    assert "automated aftercare assistant" in said
    assert "when did you have your microneedling treatment" in said  # the custom action ran: it asks for the time
    assert (plain_rasa / "conversations.db").exists()  # endpoints.yml's SQLite tracker store

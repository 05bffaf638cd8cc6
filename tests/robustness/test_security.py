"""Who can reach what: the action server answers only the Rasa server, both listen on loopback, the HTTP API
is off, and CORS lets only the configured origin read answers.

Before actions/server.py and scripts/rasa_server.py, the action server listened on every interface and ran
any action for anyone (and echoed the whole conversation back when an action failed); the Rasa server
listened on every interface too.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from scripts.processes import ManagedProcess
from scripts.servers import ROOT
from tests.robustness.conftest import ALLOWED_ORIGIN

ACTION_CALL = {
    "next_action": "action_share_contact",
    "sender_id": "attacker",
    "tracker": {"sender_id": "attacker", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.21",
}


def call_action_server(servers, path: str = "/webhook", token: str | None = None) -> tuple[int, object]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return servers.post(json.dumps(ACTION_CALL), path, port=servers.action_port, headers=headers)


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("", 401), ("not-the-token-0123456789", 403)])
def test_the_action_server_refuses_calls_without_the_rasa_servers_token(servers, token, status):
    answer_status, answer = call_action_server(servers, token=token)
    assert answer_status == status
    assert "only answers the Rasa server" in answer["error"]


def test_the_action_server_answers_the_rasa_server(servers):
    status, answer = call_action_server(servers, token=servers.env["ACTION_SERVER_TOKEN"])
    assert status == 200 and answer["responses"]
    with urllib.request.urlopen(f"http://localhost:{servers.action_port}/health", timeout=5) as health:
        assert health.status == 200


def test_the_list_of_actions_needs_the_token_too(servers):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://localhost:{servers.action_port}/actions", timeout=5)
    assert refused.value.code == 401


def outside_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("server", ["rasa", "actions"])
def test_both_servers_listen_on_loopback_only(servers, server):
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    port = servers.rasa_port if server == "rasa" else servers.action_port
    with socket.socket() as probe:
        probe.settimeout(3)
        assert probe.connect_ex((address, port)) != 0, f"the {server} server answers on {address}"


@pytest.mark.parametrize("path", ["/conversations/privacy-patient/tracker", "/status", "/model/parse"])
def test_the_http_api_is_off(servers, path):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{servers.url}{path}", timeout=5)
    assert refused.value.code == 404


def preflight(servers, origin: str) -> dict[str, str]:
    request = urllib.request.Request(
        f"{servers.url}/webhooks/rest/webhook",
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return dict(answer.headers)


def test_cors_allows_the_configured_origin_only(servers):
    assert preflight(servers, ALLOWED_ORIGIN).get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert "Access-Control-Allow-Origin" not in preflight(servers, "https://evil.example")


def test_without_a_token_the_action_server_says_so_loudly_and_a_short_one_is_refused(servers, tmp_path):
    environment = {**servers.env, "ACTION_SERVER_TOKEN": ""}
    log_path = tmp_path / "actions-without-token.log"
    args = [sys.executable, "-m", "actions.server", "--port", "5359"]
    process = ManagedProcess("actions", args, log_path, env=environment).start()
    try:
        process.wait_for_url("http://localhost:5359/health", limit=120)
    finally:
        process.stop()
    assert "ACTION_SERVER_TOKEN is not set: the action server accepts calls from ANY process" in log_path.read_text()

    short = subprocess.run(
        [sys.executable, "-m", "actions.server", "--port", "5359"],
        cwd=ROOT,
        env={**servers.env, "ACTION_SERVER_TOKEN": "short"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert short.returncode != 0
    assert "Refusing to start the action server: ACTION_SERVER_TOKEN must be at least 16 characters" in short.stderr


def test_the_root_answers_without_naming_rasa_or_its_version(servers):
    with urllib.request.urlopen(f"{servers.url}/", timeout=5) as answer:
        body, headers = answer.read(), dict(answer.headers)
    assert json.loads(body) == {"status": "ok"}  # was "Hello from Rasa: 3.6.21"
    assert not [value for value in [body.decode(), *headers.values()] if "rasa" in value.lower() or "3.6" in value]


def test_a_body_over_the_limit_is_refused_before_it_is_read(servers):
    """Sanic answers 413 as soon as it sees the length; it used to wait for (and buffer) up to 100 MB."""
    from aftercare.messages import BODY_TOO_LARGE, MAX_BODY_BYTES

    request = (
        "POST /webhooks/rest/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", servers.rasa_port), timeout=5) as connection:
        connection.sendall(request.encode() + b'{"sender": "big", "message": "')
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(4096)  # socket.timeout here: the server is still waiting for the body
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert json.loads(body)["message"] == BODY_TOO_LARGE, body  # the channel's own words for it

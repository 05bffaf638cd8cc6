"""Ordinary (INFO) logs of every server carry no message text, metadata value or procedure time: after a real
conversation that went through the model, the custom actions, an escalation and a failed action, and after
unique markers sent through every channel and every failure path (aftercare/log_redaction.py)."""

from __future__ import annotations

import json
import secrets
import socket
import stat
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from tests.robustness.conftest import texts
from tests.robustness.test_socketio import talk

MARKER = "zebrafinch"


def test_the_logs_hold_no_message_text_and_no_procedure_time(servers):
    procedure_time = (datetime.now(timezone.utc) - timedelta(hours=27, minutes=13)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sender = "privacy-patient"
    servers.send(sender, f"can I wear make-up to the {MARKER} party?", {"procedure_time": procedure_time})
    servers.send(sender, f"there is pus near my {MARKER} tattoo")
    servers.send(sender, "actually I had it 4 days ago")
    servers.send(sender, f'/inform_procedure_time{{"{MARKER}": ')  # a malformed payload Rasa warns about
    servers.post(json.dumps({"sender": sender, "message": f"{MARKER}", "metadata": {"procedure_time": MARKER}}))
    # An action that raises: the action server logs the failure, not the conversation it was given.
    token = servers.env["ACTION_SERVER_TOKEN"]
    crash = {
        "next_action": "action_answer_question",
        "sender_id": sender,
        # An intent that is a bare string, not Rasa's {"name": ...}: reading it raises.
        "tracker": {"sender_id": sender, "slots": {"procedure_time": MARKER}, "latest_message": {"intent": MARKER}},
        "domain": {},
        "version": "3.6.21",
    }
    authorization = {"Authorization": f"Bearer {token}"}
    status, answer = servers.post(json.dumps(crash), "/webhook", port=servers.action_port, headers=authorization)
    assert status == 500 and MARKER not in json.dumps(answer)

    stored = servers.user_texts(sender)
    assert any(MARKER in text for text in stored), "the conversation itself is stored"
    typed_time = [value for value in servers.slot_values(sender, "procedure_time") if value][-1]
    for name in ("rasa", "actions"):
        log = servers.log(name)
        assert MARKER not in log, f"{name}.log holds what the patient wrote"
        assert procedure_time not in log and typed_time not in log, f"{name}.log holds a procedure time"
        assert procedure_time[:16] not in log and typed_time[:16] not in log
    assert "warning sign" in texts(servers.send(sender, "the pus is still there"))


class Markers:
    """A unique word per way in; `new` returns it, so a hit in a log names the path that leaked."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}

    def new(self, path: str) -> str:
        marker = f"qx{secrets.token_hex(5)}"
        self.paths[marker] = path
        return marker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        return connection.recv(65536)


def send_through_rest(servers, markers: Markers) -> None:
    sender = "privacy-rest"
    for make_text in (
        lambda m: f"/@{m}",
        lambda m: f"/{{{m}",
        lambda m: f'/intent{{"{m}":',
        lambda m: f'/greet{{"{m}": "x"}}',
        lambda m: f"/{m}",
        lambda m: f"/greet@{m}",
        lambda m: f"my {m} is hot and red",
    ):
        text = make_text(markers.new(f"REST message {make_text('MARKER')!r}"))
        servers.post(json.dumps({"sender": sender, "message": text}))
    # Requests that are not messages: the parse failures.
    servers.post(f'{{"sender": "{sender}", "message": "{markers.new("REST body that is not JSON")}')
    servers.post(json.dumps({"sender": sender, "message": [markers.new("REST message that is a list")]}))
    servers.post(json.dumps({"sender": sender, "message": markers.new("REST over-long message") * 200}))
    # Metadata that is malformed, overflowing, huge or of odd types.
    for make_metadata in (
        lambda m: {"procedure_time": m},
        lambda m: {"procedure_time": f"2026-11-28T17:00:00{m}"},
        lambda m: {"procedure_time": "0001-01-01T00:00:00+05:00", "note": m},
        lambda m: {"procedure_time": [m], "timezone": {"zone": m}},
        lambda m: {"timezone": m, "procedure_time": 17328},
        lambda m: {"note": m * 20_000},
        lambda m: {m: m},
        lambda m: m,
    ):
        metadata = make_metadata(markers.new(f"REST metadata {make_metadata('MARKER')!r:.80}"))
        servers.post(json.dumps({"sender": sender, "message": "is redness normal?", "metadata": metadata}))


def send_through_socketio(servers, markers: Markers, prefix: str = "socket.io") -> None:
    session = "privacy-socket"
    for payload in (
        {"message": f"/@{markers.new(f'{prefix} /@')}"},
        {"message": f'/intent{{"{markers.new(f"{prefix} /intent{{")}":'},
        {"message": f"/{{{markers.new(f'{prefix} /{{')}"},
        {"message": f"my {markers.new(f'{prefix} message')} is swollen"},
        {"message": "hi", "metadata": f'{{"procedure_time": "{markers.new(f"{prefix} metadata as broken JSON")}"'},
        {"message": "hi", "metadata": {"procedure_time": f"0001-01-01T00:00:00+05:00{markers.new(prefix)}"}},
        {"message": "hi", "metadata": {"procedure_time": {"odd": [markers.new(f"{prefix} odd metadata")]}}},
        {"message": [markers.new(f"{prefix} message that is a list")]},
    ):
        talk(servers, {**payload, "session_id": session}, session)
    talk(servers, markers.new(f"{prefix} payload that is text"), session)


def visit_the_demo_page(port: int, markers: Markers) -> None:
    base = f"http://127.0.0.1:{port}"
    status, page = get(f"{base}/?procedure_time={markers.new('demo page malformed procedure_time')}")
    assert status == 400 and "procedure_time must be ISO 8601" in page
    status, page = get(f"{base}/?procedure_time=0001-01-01T00:00:00%2B05:00&n={markers.new('demo overflow')}")
    assert status == 400 and "procedure_time must be ISO 8601" in page, "an overflowing time drops the connection"
    assert get(f"{base}/no-such-page?procedure_time={markers.new('demo 404')}")[0] == 404
    bad_line = f"GET /?procedure_time={markers.new('demo bad request line')} HTTP/1.1 extra\r\n\r\n"
    assert b"Bad request" in raw_request(port, bad_line.encode())
    too_long = f"GET /?procedure_time={markers.new('demo over-long request line')}{'x' * 70_000} HTTP/1.1\r\n\r\n"
    assert b" 414 " in raw_request(port, too_long.encode())


def test_no_log_file_holds_what_came_in_through_any_channel_or_failure(servers):
    markers = Markers()
    send_through_rest(servers, markers)
    send_through_socketio(servers, markers)

    servers.stop(servers.actions)  # the action server down: every turn fails and gets the safe reply
    try:
        down = markers.new("REST with the action server down")
        servers.post(json.dumps({"sender": "privacy-down", "message": f"my {down} is red", "metadata": {"x": down}}))
        servers.post(json.dumps({"sender": "privacy-down", "message": f"/@{markers.new('REST /@, server down')}"}))
        send_through_socketio(servers, markers, prefix="socket.io with the action server down")
    finally:
        servers.start_actions()

    demo_port = free_port()
    servers.start_demo(demo_port)
    visit_the_demo_page(demo_port, markers)
    servers.send("privacy-rest", "thanks")  # a turn after the failures, so their log lines are written

    stored = " ".join(servers.user_texts("privacy-rest"))
    assert sum(marker in stored for marker in markers.paths) >= 5, "the messages reached the conversation"
    log_files = sorted(path for path in servers.workdir.iterdir() if not path.name.startswith("conversations.db"))
    assert {path.name for path in log_files} >= {"rasa.log", "actions.log", "demo.log"}, log_files
    leaks = [
        f"{path.name}: {path_in}"
        for path in log_files
        for marker, path_in in markers.paths.items()
        if marker in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not leaks, "patient words in the logs:\n" + "\n".join(leaks)
    # Not vacuous: Rasa did log the malformed slash commands, redacted, and the demo page its refusals.
    assert "[redacted]" in servers.log("rasa")
    assert "GET / answered 400" in servers.log("demo") and "An unreadable request answered 400" in servers.log("demo")


def test_the_database_and_the_logs_are_readable_by_their_owner_only(servers):
    servers.send("privacy-files", "is redness normal?")
    assert servers.user_texts("privacy-files") == ["is redness normal?"]
    files = list(servers.workdir.iterdir())
    assert {"conversations.db", "rasa.log", "actions.log"} <= {path.name for path in files}
    readable_by_others = {
        path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files if path.stat().st_mode & 0o077
    }
    assert not readable_by_others

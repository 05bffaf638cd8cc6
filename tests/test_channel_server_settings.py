"""What the channels set up on the Rasa server itself: the socket.io origin check, the body limit and GET /.

Before: with CORS_ORIGINS empty (the channel run outside scripts/rasa_server.py) any page could open a
socket; Sanic read bodies up to 100 MB before the channels' 1 MiB check; `GET /` said "Hello from Rasa: 3.6.21".
"""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa import server as rasa_server
from rasa.core import run as rasa_run
from sanic import Sanic

from aftercare.clinic import load_clinic
from aftercare.messages import MAX_BODY_BYTES
from aftercare.replies import Replies
from aftercare.session_ids import SessionIds
from channels.socketio import SocketIOInput, allowed_origins
from rasa_patches import http_app
from scripts.servers import ROOT

HOST = "chat.clinic.example:5005"


def connect_handler(environ: dict[str, str]):
    """The socket.io channel's connect handler, for CORS_ORIGINS as in `environ`."""
    channel = SocketIOInput(session_persistence=True)
    channel.replies = Replies.for_clinic(load_clinic(ROOT / "clinic.yml"))
    channel.origins = allowed_origins(environ)
    channel.session_ids = SessionIds(b"k" * 32)

    async def on_new_message(_):
        return None

    channel.blueprint(on_new_message)
    return channel.sio.handlers["/"]["connect"]


def may_connect(environ: dict[str, str], origin: str | None) -> bool:
    headers = {"HTTP_HOST": HOST, **({"HTTP_ORIGIN": origin} if origin is not None else {})}
    return asyncio.run(connect_handler(environ)("socket-1", headers))


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser
        (f"http://{HOST}", True),  # the server's own page
        (f"https://{HOST.upper()}", True),
        ("https://evil.example", False),
        ("http://chat.clinic.example:8080", False),  # another port is another origin
        ("null", False),  # sandboxed frames and file:// pages
        ("http://[broken", False),
    ],
)
def test_without_cors_origins_only_the_servers_own_pages_may_open_a_socket(origin, allowed):
    assert may_connect({}, origin) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [(None, True), ("https://clinic.example", True), ("https://clinic.example/", True), (f"http://{HOST}", False)],
)
def test_with_cors_origins_only_those_may(origin, allowed):
    assert may_connect({"CORS_ORIGINS": "https://clinic.example, http://localhost:8080"}, origin) is allowed


@pytest.fixture
def rasa_app(monkeypatch):
    """The app Rasa creates without its HTTP API, after the channels installed their settings."""
    monkeypatch.setattr(rasa_server, "add_root_route", rasa_server.add_root_route)  # restored afterwards
    monkeypatch.setattr(Sanic, "test_mode", True)  # lets several apps share a name
    http_app.install()
    return rasa_run._create_app_without_api(cors=["http://localhost:8080"])


def test_sanic_refuses_bodies_over_the_channels_limit(rasa_app):
    assert rasa_app.config.REQUEST_MAX_SIZE == MAX_BODY_BYTES


def test_the_root_says_the_server_is_up_and_not_which_version(rasa_app):
    [route] = [route for route in rasa_app.router.routes if route.path == ""]
    answer = asyncio.run(route.handler(None))
    assert json.loads(answer.body) == {"status": "ok"}
    assert b"Rasa" not in answer.body and b"3.6" not in answer.body

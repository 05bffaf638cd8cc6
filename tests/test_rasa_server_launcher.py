"""The Rasa server's settings (scripts/rasa_server.py): private defaults, and no unsafe start."""

import os
import sys

import pytest

from scripts.rasa_server import SettingError, main, rasa_arguments


def option(arguments: list[str], name: str) -> list[str]:
    """The values that follow `name` up to the next option."""
    start = arguments.index(name) + 1
    end = next((i for i in range(start, len(arguments)) if arguments[i].startswith("--")), len(arguments))
    return arguments[start:end]


def test_the_defaults_are_private():
    arguments = rasa_arguments({})
    assert option(arguments, "--interface") == ["127.0.0.1"]
    assert option(arguments, "--cors") == ["http://localhost:8080"]
    assert option(arguments, "--port") == ["5005"]
    assert "--enable-api" not in arguments and "--auth-token" not in arguments and "--debug" not in arguments
    assert option(arguments, "--credentials")[0].endswith("credentials.yml")
    assert option(arguments, "--endpoints")[0].endswith("/deploy/endpoints.server.yml")


def test_settings_from_the_environment():
    arguments = rasa_arguments(
        {
            "RASA_PORT": "5305",
            "RASA_INTERFACE": "0.0.0.0",
            "CORS_ORIGINS": "https://clinic.example, https://www.clinic.example/",
            "MODEL": "models/other.tar.gz",
            "ENDPOINTS": "deploy/endpoints.yml",
            "DEBUG": "1",
        }
    )
    assert option(arguments, "--port") == ["5305"]
    assert option(arguments, "--interface") == ["0.0.0.0"]
    assert option(arguments, "--cors") == ["https://clinic.example", "https://www.clinic.example"]
    assert option(arguments, "--model") == ["models/other.tar.gz"]
    assert option(arguments, "--endpoints")[0].endswith("/deploy/endpoints.yml")
    assert "--debug" in arguments


def test_the_api_needs_a_token():
    arguments = rasa_arguments({"RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": "a-long-enough-secret-token"})
    assert "--enable-api" in arguments
    assert option(arguments, "--auth-token") == ["a-long-enough-secret-token"]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"RASA_ENABLE_API": "1"}, "RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN"),
        ({"RASA_ENABLE_API": "1", "RASA_AUTH_TOKEN": "short"}, "RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN"),
        ({"RASA_ENABLE_API": "maybe"}, "RASA_ENABLE_API must be 1 or 0"),
        ({"CORS_ORIGINS": "*"}, "not '*'"),
        ({"CORS_ORIGINS": ""}, "CORS_ORIGINS is empty"),
        ({"CORS_ORIGINS": "clinic.example"}, "is not an origin"),
        ({"CORS_ORIGINS": "https://clinic.example/chat"}, "is not an origin"),
        ({"RASA_PORT": "http"}, "RASA_PORT must be a port number"),
        ({"DEBUG": "verbose"}, "DEBUG must be 1 or 0"),
    ],
)
def test_an_unsafe_or_wrong_setting_is_refused(environ, message):
    with pytest.raises(SettingError, match=message.replace("*", r"\*")):
        rasa_arguments(environ)


def test_refusing_exits_with_a_message_and_does_not_start_rasa(monkeypatch, capsys):
    monkeypatch.setenv("RASA_ENABLE_API", "1")
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    assert main([]) == 2
    assert "Refusing to start the Rasa server: RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN" in capsys.readouterr().err


def test_the_socket_channel_gets_the_same_default_origins(monkeypatch):
    """channels/socketio.py refuses other origins only when CORS_ORIGINS is set: the launcher sets its default."""
    import rasa.__main__

    from channels.socketio import allowed_origins

    started = {}
    monkeypatch.setattr(os, "environ", {name: value for name, value in os.environ.items() if name != "CORS_ORIGINS"})
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.update(origins=allowed_origins(os.environ)))
    monkeypatch.setattr(sys, "argv", ["rasa_server.py"])
    assert main([]) == 0
    assert started["origins"] == {"http://localhost:8080"}

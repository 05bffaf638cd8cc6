"""Starts the Rasa server with this project's safe defaults, configured from the environment.

    .venv/bin/python scripts/rasa_server.py [extra `rasa run` options]

| variable | default | meaning |
|---|---|---|
| MODEL | models/aftercare.tar.gz | the trained model |
| RASA_PORT | 5005 | port of the channels (REST webhook, socketio) |
| RASA_INTERFACE | 127.0.0.1 | 0.0.0.0 to accept connections from other machines (behind a TLS proxy) |
| CORS_ORIGINS | http://localhost:8080 | browser origins allowed, separated by spaces or commas; never `*` |
| RASA_ENABLE_API | 0 | 1 turns on Rasa's HTTP API (trackers, model), which then needs RASA_AUTH_TOKEN |
| RASA_AUTH_TOKEN | | at least 16 characters; required with RASA_ENABLE_API=1 |
| DEBUG | 0 | 1 runs with --debug, which LOGS WHAT PATIENTS WRITE: for local debugging only |
| ACTION_SERVER_URL | http://127.0.0.1:5055/webhook | the action server (deploy/endpoints.server.yml) |
| ACTION_SERVER_TOKEN | | sent to the action server; empty is allowed for development |
| REST_WEBHOOK_TOKEN | | at least 16 characters: the REST webhook then answers only `Authorization: Bearer <it>` |
| ACTION_TIMEOUT_SECONDS | 10 | how long a custom action may take before the patient gets the safe reply |
| TRACKER_STORE_URL | sqlite:///conversations.db | where conversations are stored |
| ENDPOINTS | endpoints.yml | deploy/endpoints.yml for replicas sharing PostgreSQL and Redis (deploy/README.md) |
| CLINIC_FILE | clinic.yml | the clinic's details, checked at start-up |
| NAME_FILE | | for each secret (the tokens, REDIS_PASSWORD, POSTGRES_PASSWORD): a file holding it (Docker secrets) |
| SESSION_SECRET | kept in .session_secret | signs the widget's conversation ids: 32+ characters, the same on replicas |

The tokens go to Rasa inside this process, not on a command line where `ps` would show them. A wrong setting
stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from aftercare.environment import DEFAULTS, SettingError, action_server_url, read_flag
from aftercare.secret_files import MIN_TOKEN_LENGTH, SecretError, load_secret_files
from scripts.rasa_cli import quiet_dependency_deprecations
from storage import database

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_CORS_ORIGINS = f"http://localhost:{DEFAULTS['DEMO_PORT']}"  # the demo page
DEFAULT_ENDPOINTS = "deploy/endpoints.server.yml"  # settings from the environment; plain `rasa run` uses endpoints.yml
ENDPOINT_DEFAULTS = {
    "ACTION_SERVER_URL": action_server_url({}),
    "ACTION_SERVER_TOKEN": "",
    "TRACKER_STORE_URL": database.DEFAULT_DATABASE_URL,
}


def cors_origins(environ: Mapping[str, str]) -> list[str]:
    """The CORS allowlist: origins such as https://clinic.example or http://localhost:8080."""
    raw = environ.get("CORS_ORIGINS", DEFAULT_CORS_ORIGINS)
    origins = raw.replace(",", " ").split()
    if not origins:
        raise SettingError("CORS_ORIGINS is empty: list the clinic website's origin, e.g. https://clinic.example")
    for origin in origins:
        if origin == "*":
            raise SettingError("CORS_ORIGINS must list origins, not '*': patients' conversations are private")
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
            raise SettingError(f"CORS_ORIGINS: {origin!r} is not an origin such as https://clinic.example")
    return [origin.rstrip("/") for origin in origins]


def rasa_arguments(environ: Mapping[str, str]) -> list[str]:
    """The `rasa run` arguments for these settings; SettingError for a setting that is wrong or unsafe."""
    port = environ.get("RASA_PORT", DEFAULTS["RASA_PORT"]).strip()  # set but empty is refused, unlike read_port
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingError(f"RASA_PORT must be a port number, not {port!r}")
    arguments = [
        "run",
        "--model",
        environ.get("MODEL", DEFAULTS["MODEL"]),
        "--port",
        port,
        "--interface",
        environ.get("RASA_INTERFACE", "127.0.0.1").strip() or "127.0.0.1",
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--endpoints",
        str(ROOT / (environ.get("ENDPOINTS", "").strip() or DEFAULT_ENDPOINTS)),
        "--cors",
        *cors_origins(environ),
    ]
    if read_flag(environ, "RASA_ENABLE_API"):
        token = environ.get("RASA_AUTH_TOKEN", "").strip()
        if len(token) < MIN_TOKEN_LENGTH:
            raise SettingError(
                f"RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN set to a secret of at least {MIN_TOKEN_LENGTH} "
                "characters: the API reads every patient's conversation"
            )
        arguments += ["--enable-api", "--auth-token", token]
    if read_flag(environ, "DEBUG"):
        arguments.append("--debug")
    return arguments


def main(argv: list[str] | None = None) -> int:
    """Checks the settings and runs Rasa in this process."""
    extra = sys.argv[1:] if argv is None else argv
    try:
        load_secret_files(os.environ)
        arguments = rasa_arguments(os.environ)
    except (SettingError, SecretError) as error:
        print(f"Refusing to start the Rasa server: {error}", file=sys.stderr)
        return 2
    # deploy/endpoints.server.yml refers to these; an empty token means the action server accepts any local caller.
    for name, default in ENDPOINT_DEFAULTS.items():
        os.environ.setdefault(name, default)
    # The socket.io channel refuses browser connections from other origins than this same list (CORS does not
    # cover WebSockets), so it gets the default too.
    os.environ.setdefault("CORS_ORIGINS", DEFAULT_CORS_ORIGINS)
    if not os.environ["ACTION_SERVER_TOKEN"].strip():
        print("*** ACTION_SERVER_TOKEN is not set: for development only (README, Privacy) ***", file=sys.stderr)
    if "--debug" in arguments:
        print("*** DEBUG=1: the log will contain what patients write; never with real patients ***", file=sys.stderr)
    from aftercare.private_files import restrict_new_files

    restrict_new_files()  # conversations.db and any --log-file: readable by their owner only (the channels too)
    sys.argv = ["rasa", *arguments, *extra]
    quiet_dependency_deprecations()
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())

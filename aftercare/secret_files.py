"""Secrets the servers read at start-up: tokens and passwords, from NAME or from the file NAME_FILE names.

`NAME_FILE` is the convention of Docker secrets (deploy/docker-compose.yml mounts each one under /run/secrets/),
so a secret never sits on a command line, where `ps` shows it to every user, or in a compose file. The Rasa
server (scripts/rasa_server.py), its REST channel and the action server (actions/server.py) all read secrets
through this module, before anything else starts. Plain Python: no Rasa import.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from pathlib import Path

MIN_TOKEN_LENGTH = 16
# Every secret a server of this project reads; each may come from NAME_FILE instead.
SECRET_VARIABLES = (
    "ACTION_SERVER_TOKEN",
    "REST_WEBHOOK_TOKEN",
    "RASA_AUTH_TOKEN",
    "REDIS_PASSWORD",
    "POSTGRES_PASSWORD",
    "SESSION_SECRET",
    "ALERT_WEBHOOK_SECRET",
    "SMTP_PASSWORD",
)


class SecretError(ValueError):
    """A secret is missing, unreadable or too weak to start with; the message names the variable."""


def load_secret_files(environ: MutableMapping[str, str], names: tuple[str, ...] = SECRET_VARIABLES) -> None:
    """Replaces each NAME_FILE in `environ` by NAME holding the file's content (one final newline dropped).

    Rasa reads endpoints.yml's `${NAME}` from the environment, so the value goes there, inside this process.
    Setting both NAME and NAME_FILE is refused (which one was meant?), as is a file that is missing, unreadable
    or empty. Calling it again is harmless: NAME_FILE is gone after the first call.
    """
    for name in names:
        file_variable = f"{name}_FILE"
        path = environ.get(file_variable, "").strip()
        if not path:
            continue
        if environ.get(name, "").strip():
            raise SecretError(f"{name} and {file_variable} are both set: set only one of them")
        try:
            value = Path(path).read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
        except (OSError, UnicodeDecodeError) as error:
            raise SecretError(f"{file_variable}: cannot read {path} ({type(error).__name__})") from None
        if not value.strip():
            raise SecretError(f"{file_variable}: {path} is empty")
        environ[name] = value
        del environ[file_variable]


def read_token(environ: Mapping[str, str], name: str) -> str:
    """The token in `name` ('' when unset); SecretError when it is set but too short to be a secret."""
    token = environ.get(name, "").strip()
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise SecretError(f"{name} must be at least {MIN_TOKEN_LENGTH} characters long")
    return token

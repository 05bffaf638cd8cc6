"""Where the conversations' database is, for every process that reads or writes it beside Rasa.

The same database Rasa's tracker store is in: with POSTGRES_HOST set, as in deploy/ (deploy/endpoints.yml gives
Rasa the tracker store in parts, so that the password can come from a file), POSTGRES_HOST, POSTGRES_PORT,
POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE); else TRACKER_STORE_URL, as in the
project's endpoints.yml (an SQLAlchemy URL: `sqlite:///conversations.db` by default, or `postgresql://...`).
POSTGRES_HOST comes first because scripts/rasa_server.py sets TRACKER_STORE_URL's default for endpoints.yml even
when the replicas' endpoints do not use it.
The alert outbox and the staff console's tables live there, so that every replica and process sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

DEFAULT_DATABASE_URL = "sqlite:///conversations.db"


def database_url(environ: Mapping[str, str]) -> str:
    """The conversations' database as an SQLAlchemy URL (see the module docstring)."""
    host = environ.get("POSTGRES_HOST", "").strip()
    if not host:
        return environ.get("TRACKER_STORE_URL", "").strip() or DEFAULT_DATABASE_URL
    password = environ.get("POSTGRES_PASSWORD", "")
    password_file = environ.get("POSTGRES_PASSWORD_FILE", "").strip()
    if not password and password_file:
        password = Path(password_file).read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
    user = quote(environ.get("POSTGRES_USER", "").strip() or "postgres", safe="")
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    port = environ.get("POSTGRES_PORT", "").strip() or "5432"
    name = quote(environ.get("POSTGRES_DB", "").strip() or "rasa", safe="")
    return f"postgresql://{credentials}{host}:{port}/{name}"

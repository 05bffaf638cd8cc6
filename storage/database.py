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

import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from aftercare.environment import DEFAULTS

DEFAULT_DATABASE_URL = DEFAULTS["TRACKER_STORE_URL"]


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


# Any fixed number: the key of the PostgreSQL advisory lock under which the project creates its tables.
_SCHEMA_LOCK_KEY = 7_305_202_611
_CREATE_ATTEMPTS = 10


def create_tables(engine: sa.engine.Engine, metadata: sa.MetaData) -> None:
    """Creates the tables of `metadata` that are missing, safely when several processes start at once.

    Replicas, action servers, dispatchers and the console all start together; two of them creating the same table at
    once fails. On PostgreSQL creation takes a transaction-scoped advisory lock first, so the second process finds
    the tables there; on SQLite, where another process can create a table between the check and the creation, a
    "table ... already exists" is followed by another check, which then finds it.
    """
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
                metadata.create_all(connection)
            return
        except sa.exc.OperationalError as error:
            if "already exists" not in str(error) or attempt == _CREATE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))  # another process is creating the same tables: check again

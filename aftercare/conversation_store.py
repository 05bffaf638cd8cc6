"""Where the conversations are stored, as every process of the project finds it: one answer for all.

The Rasa server reads endpoints.yml (`TRACKER_STORE_URL`) or deploy/endpoints.yml (`POSTGRES_HOST`, `POSTGRES_PORT`,
`POSTGRES_DB`, `POSTGRES_USER`, `POSTGRES_PASSWORD`); the alert outbox, the purge command and the staff console
keep their tables in the same database and find it here from the same variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

DEFAULT_URL = "sqlite:///conversations.db"


def database_url(environ: Mapping[str, str]) -> str:
    """TRACKER_STORE_URL when set; else PostgreSQL from the POSTGRES_* parts when POSTGRES_HOST is set; else SQLite.

    POSTGRES_PASSWORD must already be read from POSTGRES_PASSWORD_FILE (aftercare/secret_files.py).
    """
    url = environ.get("TRACKER_STORE_URL", "").strip()
    if url:
        return url
    host = environ.get("POSTGRES_HOST", "").strip()
    if not host:
        return DEFAULT_URL
    user = quote(environ.get("POSTGRES_USER", "").strip() or "rasa", safe="")
    password = environ.get("POSTGRES_PASSWORD", "")
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    port = environ.get("POSTGRES_PORT", "").strip() or "5432"
    database = quote(environ.get("POSTGRES_DB", "").strip() or "aftercare", safe="")
    return f"postgresql://{credentials}@{host}:{port}/{database}"

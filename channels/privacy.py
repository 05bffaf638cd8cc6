"""What the Rasa server does for patients' privacy before it handles a message, however it was started.

Called when Rasa creates the channels from credentials.yml (`prepare_server`), which is before it loads the
model and opens the tracker store, so `rasa run` started directly gets it too:

- every log line is redacted (aftercare/log_redaction.py);
- every file the process creates is readable by its owner only (umask 077), and every SQLite database it
  opens (the tracker store, conversations.db) is made so too, with its journal files, in case an earlier
  version or another tool created it readable by others.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import sqlalchemy as sa

from aftercare import log_redaction, private_files

logger = logging.getLogger(__name__)

SQLITE_COMPANIONS = ("", "-journal", "-wal", "-shm")


def protect_this_process() -> None:
    """Installs the log redaction, the owner-only umask and the SQLite permission check (idempotent)."""
    log_redaction.install()
    private_files.restrict_new_files()
    if not sa.event.contains(sa.engine.Engine, "connect", _keep_sqlite_files_private):
        sa.event.listen(sa.engine.Engine, "connect", _keep_sqlite_files_private)


def _keep_sqlite_files_private(connection: Any, _record: Any) -> None:
    if not isinstance(connection, sqlite3.Connection):
        return
    for _, _, database in connection.execute("PRAGMA database_list").fetchall():
        if not database:  # in memory
            continue
        for suffix in SQLITE_COMPANIONS:
            if private_files.make_owner_only(database + suffix):
                logger.warning("%s was readable by other users: it is now readable by its owner only.", database)

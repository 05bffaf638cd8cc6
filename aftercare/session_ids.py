"""Conversation ids the server issues and signs, so that only the browser given an id can resume its conversation.

An id is 32 random hex digits, a dot, and the HMAC-SHA256 of those digits under the server's secret (64 hex
digits): 97 characters. A browser that names an id the server did not sign (guessed, forged, or signed with
another secret) gets a new conversation instead of someone else's. Checking compares in constant time.

The secret is SESSION_SECRET (at least 32 characters; replicas must share it). When that is unset, a secret is
generated once and kept in a file only its owner can read, so conversations survive restarts without setup.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SECRET_VARIABLE = "SESSION_SECRET"
MIN_SECRET_CHARACTERS = 32
SECRET_FILE_NAME = ".session_secret"
_NONCE_HEX_DIGITS = 32
_SIGNATURE_HEX_DIGITS = 64
SESSION_ID_CHARACTERS = _NONCE_HEX_DIGITS + 1 + _SIGNATURE_HEX_DIGITS
_HEX_DIGITS = frozenset("0123456789abcdef")


class SecretError(ValueError):
    """The session secret is missing, too short or unsafe; the message names the variable or file."""


@dataclass(frozen=True)
class SessionIds:
    """Issues and checks signed conversation ids under one secret."""

    secret: bytes

    def issue(self) -> str:
        """A new conversation id, signed."""
        nonce = secrets.token_hex(_NONCE_HEX_DIGITS // 2)
        return f"{nonce}.{self._signature(nonce)}"

    def is_valid(self, candidate: object) -> bool:
        """Whether `candidate` is an id this secret signed (any other value, of any type, is False)."""
        if not isinstance(candidate, str) or len(candidate) != SESSION_ID_CHARACTERS:
            return False
        nonce, dot, signature = candidate.partition(".")
        if dot != "." or len(nonce) != _NONCE_HEX_DIGITS or not set(nonce + signature) <= _HEX_DIGITS:
            return False
        # Constant time: how much of a forged signature matched must not show in the time the check takes.
        return hmac.compare_digest(signature, self._signature(nonce))

    def _signature(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()


def secret_file_for(tracker_store_url: str, project_folder: Path) -> Path:
    """Where the generated secret is kept: beside an SQLite tracker store's file, else in the project folder.

    A relative SQLite path is relative to the working directory, as it is for the tracker store itself.
    """
    url, prefix = tracker_store_url.strip(), "sqlite:///"
    database = url[len(prefix) :].split("?", 1)[0] if url.startswith(prefix) else ""
    if database and database != ":memory:":
        return Path(database).absolute().parent / SECRET_FILE_NAME
    return project_folder / SECRET_FILE_NAME


def load_secret(environ: Mapping[str, str], secret_file: Path) -> bytes:
    """The secret from SESSION_SECRET, or from `secret_file` (created with a new random secret if missing).

    Raises SecretError naming SESSION_SECRET when it is shorter than 32 characters, or naming the file when it
    cannot be used (unreadable, readable by other users, or holding too short a secret).
    """
    value = environ.get(SECRET_VARIABLE, "").strip()
    if value:
        if len(value) < MIN_SECRET_CHARACTERS:
            raise SecretError(
                f"{SECRET_VARIABLE} must be at least {MIN_SECRET_CHARACTERS} characters (it signs conversation ids), "
                f"e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return value.encode()
    try:
        _create_once(secret_file)
        if stat.S_IMODE(secret_file.stat().st_mode) & 0o077:
            raise SecretError(f"{secret_file} can be read by other users: run chmod 600 {secret_file}")
        value = secret_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        problem = f"{secret_file}: cannot hold the session secret ({error}); fix that or set {SECRET_VARIABLE}"
        raise SecretError(problem) from None
    if len(value) < MIN_SECRET_CHARACTERS:
        raise SecretError(
            f"{secret_file} holds a secret shorter than {MIN_SECRET_CHARACTERS} characters: delete it to make a new "
            f"one (open conversations then start afresh), or set {SECRET_VARIABLE}"
        )
    return value.encode()


def _create_once(path: Path) -> None:
    """Writes a new random secret to `path` unless it exists; two processes starting at once agree on one."""
    if path.exists():
        return
    draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)  # atomic, and fails if another process got there first: its secret stands
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)

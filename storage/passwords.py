"""Staff passwords as the console stores them: argon2id hashes, as slow to check for an unknown account as a known one.

The password policy (length, not the email or name) is aftercare/staff/security.py's.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aftercare.staff.security import MAX_PASSWORD_CHARACTERS

# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
_HASHER = PasswordHasher()
# Verified against when the email is unknown, so that a wrong email takes as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH = _HASHER.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """The argon2id hash to store (salted, with its parameters)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches the stored hash; with no hash (unknown email) it takes as long and is False."""
    if len(password) > MAX_PASSWORD_CHARACTERS:
        return False
    try:
        return _HASHER.verify(stored_hash or _UNKNOWN_ACCOUNT_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with older parameters than today's, so it is replaced at the next sign-in."""
    return _HASHER.check_needs_rehash(stored_hash)

"""Signing staff in safely: password policy, lockout, a limit per client address, session tokens.

Pure functions only: the argon2 hashes are storage/passwords.py's. A session token is 32 random bytes given to the
browser once (the cookie); the server keeps only its SHA-256, so a copy of the database opens no session. The CSRF
token of a session is an HMAC of the session token, so it needs no storage, differs for every session and cannot be
derived from what the server stores.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass

MIN_PASSWORD_CHARACTERS = 12
MAX_PASSWORD_CHARACTERS = 256  # argon2 takes any length; this only stops a megabyte "password" costing CPU
MAX_FAILED_SIGN_INS = 5
LOCKOUT_SECONDS = 15 * 60
SESSION_IDLE_SECONDS = 60 * 60  # a console left alone for an hour signs out
SESSION_MAX_SECONDS = 12 * 3600  # and every session ends after a working day
SESSION_TOKEN_BYTES = 32
# Sign-ins from one client address within 15 minutes that failed or are being checked (a success does not count):
# enough for a clinic's staff behind one router, few enough that guessing across many accounts is slow.
SIGN_IN_ATTEMPTS_PER_ADDRESS = 20
SIGN_IN_WINDOW_SECONDS = 15 * 60


class PasswordPolicyError(ValueError):
    """A password the console refuses; the message says what is wrong."""


def check_password_policy(password: str, email: str = "", name: str = "") -> None:
    """Raises PasswordPolicyError unless the password is 12-256 characters and not the email or name itself."""
    if len(password) < MIN_PASSWORD_CHARACTERS:
        raise PasswordPolicyError(f"the password must be at least {MIN_PASSWORD_CHARACTERS} characters long")
    if len(password) > MAX_PASSWORD_CHARACTERS:
        raise PasswordPolicyError(f"the password must be at most {MAX_PASSWORD_CHARACTERS} characters long")
    if password.strip() != password:
        raise PasswordPolicyError("the password must not start or end with a space")
    lowered = password.lower()
    for own in (email.lower(), email.lower().partition("@")[0], name.lower()):
        if own and lowered == own:
            raise PasswordPolicyError("the password must not be the email address or the name")
    if len(set(password)) < 5:
        raise PasswordPolicyError("the password must use at least 5 different characters")


@dataclass(frozen=True)
class Lockout:
    """An account's sign-ins in a row that failed or are being checked, and until when it is locked (0: not)."""

    failures: int
    locked_until: float

    def is_locked(self, now: float) -> bool:
        return now < self.locked_until


# The lockout rule. Each sign-in attempt is numbered in the database before its password is checked (1, 2, 3...
# since the last success or lock; simultaneous attempts get different numbers), and the number alone decides.


def attempt_is_checked(attempt: int) -> bool:
    """Whether the password of the n-th attempt in a row is checked at all: only the first five are."""
    return attempt <= MAX_FAILED_SIGN_INS


def failure_locks(attempt: int) -> bool:
    """Whether the n-th attempt in a row, refused, locks the account for 15 minutes.

    The fifth does, and so does any later one (more attempts at once than an account has tries), so that a count
    past five always ends in a lock that ends.
    """
    return attempt >= MAX_FAILED_SIGN_INS


def locked_until(now: float) -> float:
    """When a lock made now ends; a lock counts no attempts, so after it the account again has five tries."""
    return now + LOCKOUT_SECONDS


class AddressLimit:
    """Sign-in attempts per client address in a sliding window, kept in the console process's memory.

    An address with SIGN_IN_ATTEMPTS_PER_ADDRESS attempts in the last SIGN_IN_WINDOW_SECONDS is refused before
    any password is checked; a successful sign-in gives its attempt back. At most `max_addresses` addresses are
    remembered (the longest quiet ones are forgotten first), so a flood of addresses cannot exhaust memory.
    """

    def __init__(
        self,
        attempts: int = SIGN_IN_ATTEMPTS_PER_ADDRESS,
        window: float = SIGN_IN_WINDOW_SECONDS,
        max_addresses: int = 100_000,
    ) -> None:
        self.attempts, self.window, self.max_addresses = attempts, window, max_addresses
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._seen.pop(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        self._seen[address] = times  # re-inserted last: the dict runs from the longest quiet address
        return times

    def allow(self, address: str, now: float) -> bool:
        """Counts an attempt from the address and says whether it may go ahead (False: too many, not counted)."""
        times = self._recent(address, now)
        if len(times) >= self.attempts:
            return False
        times.append(now)
        while len(self._seen) > self.max_addresses:
            del self._seen[next(iter(self._seen))]
        return True

    def give_back(self, address: str, at: float) -> None:
        """Uncounts the attempt made at `at` (it signed in)."""
        times = self._seen.get(address)
        if times and at in times:
            times.remove(at)

    def minutes_to_wait(self, address: str, now: float) -> int:
        """Whole minutes until the address may try again (at least 1)."""
        times = self._recent(address, now)
        wait = times[0] + self.window - now if len(times) >= self.attempts else 0
        return max(1, -int(-wait // 60))


def new_session_token() -> str:
    """A fresh session token for the cookie: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def session_key(token: str) -> str:
    """What the server stores for a session token: its SHA-256 (the token has 256 bits: no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token every form of this session carries."""
    return hmac.new(session_token.encode("utf-8", "surrogatepass"), b"console-csrf", hashlib.sha256).hexdigest()


def csrf_is_valid(session_token: str, submitted: str | None) -> bool:
    """Whether a form's CSRF token belongs to this session (constant time)."""
    return bool(submitted) and hmac.compare_digest(csrf_token(session_token), str(submitted))


def session_is_current(created_at: float, last_seen_at: float, now: float) -> bool:
    """Whether a session is still open: used within the last hour and started less than 12 hours ago."""
    return now - last_seen_at < SESSION_IDLE_SECONDS and now - created_at < SESSION_MAX_SECONDS

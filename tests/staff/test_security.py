"""Passwords, the lockout rule, the limit per address, session and CSRF tokens.

The rules are aftercare/staff/security.py's, the argon2 hashes storage/passwords.py's.
"""

import pytest

from aftercare.staff.security import (
    LOCKOUT_SECONDS,
    MAX_FAILED_SIGN_INS,
    SESSION_IDLE_SECONDS,
    SESSION_MAX_SECONDS,
    SIGN_IN_ATTEMPTS_PER_ADDRESS,
    SIGN_IN_WINDOW_SECONDS,
    AddressLimit,
    Lockout,
    PasswordPolicyError,
    attempt_is_checked,
    check_password_policy,
    csrf_is_valid,
    csrf_token,
    failure_locks,
    locked_until,
    new_session_token,
    session_is_current,
    session_key,
)
from storage.passwords import hash_password, verify_password

EMAIL, NAME = "nurse.jo@example.org", "Nurse Jo Smith"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pass1", "at least 12"),  # 11 characters
        ("x" * 257, "at most 256"),
        (" leading-space-pw", "space"),
        ("Nurse.Jo@example.org", "email"),
        ("Nurse Jo Smith", "name"),
        ("abababababababab", "5 different"),
    ],
)
def test_the_password_policy_refuses(password, problem):
    with pytest.raises(PasswordPolicyError, match=problem):
        check_password_policy(password, EMAIL, NAME)


def test_the_part_of_the_email_before_the_at_is_refused_too():
    with pytest.raises(PasswordPolicyError, match="email"):
        check_password_policy("nurse.jo.clinic", "nurse.jo.clinic@example.org", NAME)


def test_the_password_policy_accepts_twelve_characters():
    check_password_policy("correct-hors", "nurse@example.org", "Nurse Jo")


def test_hashes_are_salted_argon2id_and_verify_only_the_right_password():
    first, second = hash_password("correct-horse-42"), hash_password("correct-horse-42")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "correct-horse-42")
    assert not verify_password(first, "correct-horse-43")
    assert not verify_password(None, "correct-horse-42")  # unknown account
    assert not verify_password("not a hash", "correct-horse-42")
    assert not verify_password(first, "x" * 10_000)


def test_only_the_first_five_attempts_in_a_row_are_checked_and_the_fifth_failure_locks_for_15_minutes():
    assert [attempt_is_checked(attempt) for attempt in range(1, 8)] == [True] * 5 + [False] * 2
    assert [failure_locks(attempt) for attempt in range(1, 8)] == [False] * 4 + [True] * 3
    lock = Lockout(0, locked_until(1000.0))
    assert lock.is_locked(1000.0 + LOCKOUT_SECONDS - 1) and not lock.is_locked(1000.0 + LOCKOUT_SECONDS)
    assert MAX_FAILED_SIGN_INS == 5 and LOCKOUT_SECONDS == 15 * 60


def test_an_address_gets_20_attempts_in_15_minutes_and_a_success_gives_its_attempt_back():
    limit, now = AddressLimit(), 1000.0
    assert all(limit.allow("203.0.113.7", now + second) for second in range(SIGN_IN_ATTEMPTS_PER_ADDRESS))
    assert not limit.allow("203.0.113.7", now + 60)
    assert limit.minutes_to_wait("203.0.113.7", now + 60) == 14
    assert limit.allow("198.51.100.1", now + 60)  # another address
    limit.give_back("203.0.113.7", now + 3)
    assert limit.allow("203.0.113.7", now + 61) and not limit.allow("203.0.113.7", now + 62)
    assert limit.allow("203.0.113.7", now + SIGN_IN_WINDOW_SECONDS)  # the first attempt left the window


def test_an_address_limit_remembers_a_bounded_number_of_addresses():
    limit = AddressLimit(attempts=1, max_addresses=3)
    for address in ("a", "b", "c", "d"):
        assert limit.allow(address, 0.0)
    assert limit.allow("a", 1.0)  # forgotten, the longest quiet
    assert not limit.allow("d", 1.0)


def test_session_tokens_are_32_random_bytes_stored_only_as_their_hash():
    token = new_session_token()
    assert len(token) == 43 and token != new_session_token()
    assert session_key(token) != token and len(session_key(token)) == 64
    assert session_key(token) == session_key(token)


def test_a_csrf_token_belongs_to_its_session_only():
    one, other = new_session_token(), new_session_token()
    assert csrf_is_valid(one, csrf_token(one))
    assert not csrf_is_valid(one, csrf_token(other))
    assert not csrf_is_valid(one, None) and not csrf_is_valid(one, "")
    assert csrf_token(one) != session_key(one)  # the stored hash does not give the form token


@pytest.mark.parametrize(
    ("age", "idle", "current"),
    [
        (10, SESSION_IDLE_SECONDS - 1, True),
        (10, SESSION_IDLE_SECONDS, False),
        (SESSION_MAX_SECONDS - 1, 0, True),
        (SESSION_MAX_SECONDS, 0, False),
    ],
)
def test_a_session_ends_after_an_idle_hour_or_twelve_hours(age, idle, current):
    now = 100_000.0
    assert session_is_current(now - age, now - idle, now) is current

"""Passwords, the lockout rule, session and CSRF tokens (aftercare/staff/security.py)."""

import pytest

from aftercare.staff.security import (
    LOCKOUT_SECONDS,
    MAX_FAILED_SIGN_INS,
    SESSION_IDLE_SECONDS,
    SESSION_MAX_SECONDS,
    Lockout,
    PasswordPolicyError,
    check_password_policy,
    csrf_is_valid,
    csrf_token,
    hash_password,
    new_session_token,
    session_is_current,
    session_key,
    verify_password,
)

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


def test_the_fifth_failure_in_a_row_locks_for_15_minutes_and_then_five_more_tries():
    state, now = Lockout(0, 0.0), 1000.0
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        state = state.after_failure(now)
        assert not state.is_locked(now)
    assert state.failures == 4
    state = state.after_failure(now)
    assert state.is_locked(now) and state.is_locked(now + LOCKOUT_SECONDS - 1)
    assert not state.is_locked(now + LOCKOUT_SECONDS)
    later = now + LOCKOUT_SECONDS
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        state = state.after_failure(later)
    assert not state.is_locked(later)
    assert state.after_failure(later).is_locked(later)


def test_a_success_clears_the_failures():
    assert Lockout(4, 0.0).after_failure(0.0).is_locked(0.0)
    assert Lockout.after_success() == Lockout(0, 0.0)


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

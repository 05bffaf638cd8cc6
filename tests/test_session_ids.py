"""Signed conversation ids and their secret (aftercare/session_ids.py)."""

from __future__ import annotations

import hmac
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare import session_ids
from aftercare.session_ids import (
    MIN_SECRET_CHARACTERS,
    SECRET_FILE_NAME,
    SESSION_ID_CHARACTERS,
    SecretError,
    SessionIds,
    load_secret,
    secret_file_for,
)
from tests.strategies import JSON_VALUES

IDS = SessionIds(b"s" * MIN_SECRET_CHARACTERS)


def test_an_issued_id_is_valid_and_each_one_is_new():
    issued = {IDS.issue() for _ in range(100)}
    assert len(issued) == 100
    assert all(IDS.is_valid(session_id) and len(session_id) == SESSION_ID_CHARACTERS for session_id in issued)


def test_an_id_signed_with_another_secret_is_not_valid():
    assert not IDS.is_valid(SessionIds(b"t" * MIN_SECRET_CHARACTERS).issue())


@pytest.mark.parametrize("position", [0, 31, 32, 33, SESSION_ID_CHARACTERS - 1])
def test_changing_any_character_makes_an_id_invalid(position):
    session_id = IDS.issue()
    changed = "0" if session_id[position] != "0" else "1"
    assert not IDS.is_valid(session_id[:position] + changed + session_id[position + 1 :])


@pytest.mark.parametrize(
    "candidate",
    ["", "socket-hi", "a" * 32 + "." + "b" * 64, None, 42, ["x"], "é" * SESSION_ID_CHARACTERS],
)
def test_other_values_are_not_valid(candidate):
    assert not IDS.is_valid(candidate)


def test_an_issued_id_upper_cased_is_not_valid():
    assert not IDS.is_valid(IDS.issue().upper())


@settings(max_examples=200, database=None)
@given(JSON_VALUES | st.text(alphabet="0123456789abcdef.", min_size=96, max_size=98))
def test_no_value_of_any_type_raises_or_passes(candidate):
    assert IDS.is_valid(candidate) is False


def test_the_signature_is_compared_in_constant_time(monkeypatch):
    compared = []
    original = hmac.compare_digest

    def compare_digest(given_signature, expected):
        compared.append((given_signature, expected))
        return original(given_signature, expected)

    monkeypatch.setattr(session_ids.hmac, "compare_digest", compare_digest)
    session_id = IDS.issue()
    assert IDS.is_valid(session_id)
    assert compared == [(session_id[33:], session_id[33:])]


def test_session_secret_from_the_environment(tmp_path):
    secret = "x" * MIN_SECRET_CHARACTERS
    assert load_secret({"SESSION_SECRET": secret}, tmp_path / SECRET_FILE_NAME) == secret.encode()
    assert not (tmp_path / SECRET_FILE_NAME).exists()


def test_a_short_session_secret_is_refused_naming_the_variable(tmp_path):
    with pytest.raises(SecretError, match="SESSION_SECRET must be at least 32 characters"):
        load_secret({"SESSION_SECRET": "x" * (MIN_SECRET_CHARACTERS - 1)}, tmp_path / SECRET_FILE_NAME)


def test_without_session_secret_one_is_generated_once_in_a_private_file(tmp_path):
    path = tmp_path / SECRET_FILE_NAME
    first = load_secret({"SESSION_SECRET": " "}, path)
    assert len(first) >= MIN_SECRET_CHARACTERS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret({}, path) == first, "a restart keeps the secret, so conversations can be resumed"
    assert [entry.name for entry in tmp_path.iterdir()] == [SECRET_FILE_NAME], "no draft file is left behind"


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / SECRET_FILE_NAME
    load_secret({}, path)
    path.chmod(0o644)
    with pytest.raises(SecretError, match="can be read by other users"):
        load_secret({}, path)


def test_a_secret_file_with_a_short_secret_is_refused(tmp_path):
    path = tmp_path / SECRET_FILE_NAME
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(SecretError, match="shorter than 32 characters: delete it"):
        load_secret({}, path)


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("sqlite:////var/lib/aftercare/conversations.db", "/var/lib/aftercare"),
        ("sqlite:///conversations.db", "."),
        ("sqlite:///:memory:", "/project"),
        ("postgresql://rasa:secret@db.example:5432/aftercare", "/project"),
        ("", "/project"),
    ],
)
def test_the_secret_file_is_beside_an_sqlite_store_or_in_the_project_folder(url, folder, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    expected = (tmp_path if folder == "." else Path(folder)) / SECRET_FILE_NAME
    assert secret_file_for(url, Path("/project")) == expected

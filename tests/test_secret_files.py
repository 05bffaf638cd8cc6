"""Secrets from NAME or from the file NAME_FILE names (aftercare/secret_files.py), for every server."""

from __future__ import annotations

import pytest

from aftercare.secret_files import MIN_TOKEN_LENGTH, SecretError, load_secret_files, read_token
from scripts.rasa_server import main


def test_a_secret_file_becomes_the_variable(tmp_path):
    (tmp_path / "redis_password").write_text("s3cret-from-a-file\n")
    environ = {"REDIS_PASSWORD_FILE": str(tmp_path / "redis_password"), "OTHER": "kept"}
    load_secret_files(environ)
    assert environ == {"REDIS_PASSWORD": "s3cret-from-a-file", "OTHER": "kept"}
    load_secret_files(environ)  # a second reader (the REST channel after the launcher) changes nothing
    assert environ == {"REDIS_PASSWORD": "s3cret-from-a-file", "OTHER": "kept"}


def test_without_files_the_variables_are_used_as_they_are():
    environ = {"ACTION_SERVER_TOKEN": "t" * 24, "REDIS_PASSWORD": ""}
    load_secret_files(environ)
    assert environ == {"ACTION_SERVER_TOKEN": "t" * 24, "REDIS_PASSWORD": ""}


@pytest.mark.parametrize(
    ("content", "environ", "message"),
    [
        (None, {}, r"POSTGRES_PASSWORD_FILE: cannot read .*postgres_password \(FileNotFoundError\)"),
        ("", {}, "POSTGRES_PASSWORD_FILE: .*postgres_password is empty"),
        ("\n", {}, "POSTGRES_PASSWORD_FILE: .*postgres_password is empty"),
        ("pw", {"POSTGRES_PASSWORD": "other"}, "POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set"),
    ],
)
def test_a_missing_empty_or_ambiguous_secret_is_refused(tmp_path, content, environ, message):
    path = tmp_path / "postgres_password"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SecretError, match=message):
        load_secret_files({**environ, "POSTGRES_PASSWORD_FILE": str(path)})


def test_a_token_must_be_long_enough_to_be_a_secret():
    assert read_token({}, "ACTION_SERVER_TOKEN") == ""
    assert read_token({"ACTION_SERVER_TOKEN": "x" * MIN_TOKEN_LENGTH}, "ACTION_SERVER_TOKEN") == "x" * 16
    with pytest.raises(SecretError, match="ACTION_SERVER_TOKEN must be at least 16 characters long"):
        read_token({"ACTION_SERVER_TOKEN": "x" * (MIN_TOKEN_LENGTH - 1)}, "ACTION_SERVER_TOKEN")


def test_the_rasa_launcher_refuses_an_unreadable_secret_before_starting_rasa(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("RASA_AUTH_TOKEN_FILE", str(tmp_path / "missing"))
    assert main([]) == 2
    assert "Refusing to start the Rasa server: RASA_AUTH_TOKEN_FILE: cannot read" in capsys.readouterr().err

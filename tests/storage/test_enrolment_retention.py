"""`make purge-conversations DAYS=..` also forgets enrolled patients whose programme ended long enough ago."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aftercare.yaml_files import ConfigError
from scripts.purge_conversations import main, programme_retention_days
from storage.enrolments import EnrolmentStore, connect

NOW = datetime.now(timezone.utc)


def clinic_file(tmp_path, text: str):
    path = tmp_path / "clinic.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_retention_period_comes_from_clinic_yml_with_a_default(tmp_path):
    assert programme_retention_days(clinic_file(tmp_path, "clinic_name: X\n")) == 60
    assert programme_retention_days(clinic_file(tmp_path, "programme:\n  retention_days: 30\n")) == 30
    with pytest.raises(ConfigError, match="retention_days"):
        programme_retention_days(clinic_file(tmp_path, "programme:\n  retention_days: soon\n"))


def test_the_retention_rule_deletes_enrolments_of_programmes_ended_before_it(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store = EnrolmentStore(connect(url))
    details = {"email": "a@example.com", "mobile": None, "timezone": "UTC", "consent": True}
    old, _ = store.enrol(
        first_name="Old",
        procedure_time=NOW - timedelta(days=80),
        idempotency_key="1",
        now=NOW - timedelta(days=80),
        **details,
    )
    recent, _ = store.enrol(
        first_name="Recent",
        procedure_time=NOW - timedelta(days=20),
        idempotency_key="2",
        now=NOW - timedelta(days=20),
        **details,
    )
    store.record_sent(old.id, "welcome", "email", NOW - timedelta(days=80))
    store.stop(old.id, "programme_ended", NOW - timedelta(days=31))
    store.stop(recent.id, "staff", NOW - timedelta(days=10))
    monkeypatch.setenv("CLINIC_FILE", str(clinic_file(tmp_path, "programme:\n  retention_days: 30\n")))
    assert main(["--days", "30", "--url", url]) == 0
    assert "Deleted 1 enrolments" in capsys.readouterr().out
    assert store.get(old.id) is None and store.history(old.id) == []
    assert store.get(recent.id) is not None

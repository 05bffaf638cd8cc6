"""`make report` with DAYS and WORDS as typed: the period, the words only if asked, and nothing run from DAYS."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_report import write_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path) -> Path:
    return write_store(tmp_path)


def run_make(store: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_STORE_URL": f"sqlite:///{store}"}
    return subprocess.run(
        ["make", "--no-print-directory", "report", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists(), reason="make report needs the installed venv")
def test_make_report_with_days_and_words_as_typed(store):
    shown = run_make(store, "WORDS=1", "DAYS=30")
    assert shown.returncode == 0, shown.stderr
    assert "'can I fly'" in shown.stdout
    hidden = run_make(store)
    assert "    2  fallback" in hidden.stdout and "alcohol" not in hidden.stdout
    refused = run_make(store, "DAYS=$(touch hacked)")
    assert refused.returncode != 0 and "DAYS must be a number of days" in refused.stderr
    assert not (ROOT / "hacked").exists()

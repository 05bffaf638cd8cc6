"""The Rasa server refuses to start on a broken clinic file or setting, with a message naming the problem.

The channels read clinic.yml when Rasa creates them, before the model loads (the action server's side is
tests/test_configuration_files.py). Before, the Rasa server did not read the clinic file at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from scripts.servers import MODEL, ROOT

GOOD_CLINIC = yaml.safe_load((ROOT / "clinic.yml").read_text())


def write_clinic(directory: Path, **changes: object) -> Path:
    content = {**GOOD_CLINIC, **changes}
    path = directory / "clinic.yml"
    path.write_text(yaml.safe_dump({key: value for key, value in content.items() if value is not None}))
    return path


def test_a_broken_clinic_file_or_setting_stops_the_rasa_server(tmp_path):
    environment = {
        **os.environ,
        "MODEL": str(MODEL),
        "RASA_PORT": "5309",
        "ACTION_SERVER_URL": "http://localhost:5359/webhook",
        "ACTION_SERVER_TOKEN": "",
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'conversations.db'}",
    }
    cases = {
        # Through the project's entry point, and through plain `rasa run` with credentials.yml.
        "missing key": (
            [sys.executable, "scripts/rasa_server.py"],
            {"CLINIC_FILE": str(write_clinic(tmp_path, phone=None))},
            "key 'phone' is missing",
        ),
        "missing file": (
            [str(Path(sys.executable).parent / "rasa"), "run", "--model", str(MODEL), "--port", "5309"]
            + ["--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            {"CLINIC_FILE": str(tmp_path / "nowhere.yml")},
            "nowhere.yml: file not found",
        ),
        "short session secret": (
            [sys.executable, "scripts/rasa_server.py"],
            {"SESSION_SECRET": "too-short-to-sign-anything"},
            "SESSION_SECRET must be at least 32 characters",
        ),
        "bad timeout": (
            [sys.executable, "scripts/rasa_server.py"],
            {"ACTION_TIMEOUT_SECONDS": "forever"},
            "ACTION_TIMEOUT_SECONDS must be a number of seconds",
        ),
    }
    # Started together: each spends its few seconds importing Rasa.
    running = {
        name: subprocess.Popen(
            command, cwd=ROOT, env={**environment, **extra}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, (command, extra, _) in cases.items()
    }
    for name, process in running.items():
        try:
            _, stderr = process.communicate(timeout=180)
        finally:
            process.kill()
        expected = cases[name][2]
        assert process.returncode != 0, name
        assert "Refusing to start the Rasa server: " in stderr and expected in stderr, f"{name}: {stderr[-2000:]}"
        assert "Traceback" not in stderr, name

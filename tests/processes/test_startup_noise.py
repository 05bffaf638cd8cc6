"""make run, make shell and make train do not flood the terminal with dependency DeprecationWarnings.

Before: with PYTHONWARNINGS=ignore set by the Makefile, `rasa data validate` still printed pkg_resources' and
TensorFlow's deprecations and `rasa shell` nine of them, because importing Rasa's Telegram channel (aiogram) switches
DeprecationWarnings back on for the whole process. scripts/rasa_cli.py, which the Makefile and scripts/rasa_server.py
run Rasa through, switches them off again.
"""

import os
import subprocess
import sys
from pathlib import Path

from aftercare.environment import QUIET

ROOT = Path(__file__).resolve().parents[2]


def deprecation_lines(*args: str) -> list[str]:
    env = {**os.environ, **QUIET}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return [line for line in (done.stdout + done.stderr).splitlines() if "DeprecationWarning" in line]


def test_rasa_through_the_projects_entry_point_prints_no_deprecation_warning():
    assert deprecation_lines("-m", "scripts.rasa_cli", "data", "validate", "--quiet") == []


def test_warnings_asked_for_are_still_shown():
    lines = deprecation_lines("-W", "default", "-m", "scripts.rasa_cli", "data", "validate", "--quiet")
    assert lines  # python -W default: the developer wants to see them

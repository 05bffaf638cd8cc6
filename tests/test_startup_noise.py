"""Start-up does not flood the terminal with dependency DeprecationWarnings (make run, make shell, rasa run).

Before: once Rasa had imported its Telegram channel (aiogram turns DeprecationWarnings on for the whole process),
loading the project's components printed a dozen warnings from spaCy's dependencies at every start.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_loading_the_components_after_rasas_channels_prints_no_deprecation_warning():
    code = "import rasa.core.channels; import components.time_extractor, components.warning_sign_detector"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env.pop("PYTHONWARNINGS", None)  # as a plain `rasa run` in the project folder
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DeprecationWarning" not in done.stderr, done.stderr[-2000:]

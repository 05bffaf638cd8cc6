"""`rasa run actions` with a bad care guide refuses to start, naming the file and the problem, without a traceback."""

import os
import subprocess
import sys
from pathlib import Path

from tests.aftercare.test_configuration_files import GOOD_CLINIC, guide_with, write


def test_the_action_server_refuses_to_start_with_a_bad_care_guide(tmp_path):
    guide = write(tmp_path, "guide.yml", guide_with(topics__makeup__windows__1__from_hours=20))
    clinic = write(tmp_path, "clinic.yml", {**GOOD_CLINIC, "care_guide": guide.name})
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "run", "actions", "--actions", "actions", "--port", "5999"],
        env={**os.environ, "CLINIC_FILE": str(clinic)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"Refusing to start the action server: {guide}: " in result.stderr
    assert "Traceback" not in result.stderr

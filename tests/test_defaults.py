"""Every setting's default is written once (aftercare/defaults.env) and read the same way by every consumer."""

import re
from pathlib import Path

import pytest

from aftercare.environment import DEFAULTS, QUIET, apply_defaults, read_defaults

ROOT = Path(__file__).resolve().parents[1]


def test_a_line_that_is_not_name_equals_value_is_refused(tmp_path):
    path = tmp_path / "defaults.env"
    path.write_text("# comment\n\nRASA_PORT=5005\nMODEL = models/x.tar.gz\n")
    with pytest.raises(ValueError, match=r"defaults.env:4: expected NAME=value"):
        read_defaults(path)


def test_a_set_variable_wins_and_an_empty_one_gets_the_default():
    environ = {"RASA_PORT": "6000", "MODEL": " "}
    apply_defaults(environ)
    assert environ["RASA_PORT"] == "6000" and environ["MODEL"] == DEFAULTS["MODEL"]


def test_the_docker_image_sets_the_same_quiet_settings():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    env_block = dockerfile[dockerfile.index("ENV ") : dockerfile.index("\n\n", dockerfile.index("ENV "))]
    assert dict(re.findall(r"([A-Z][A-Z0-9_]*)=(\S+?)\s*\\?$", env_block, re.M)).items() >= QUIET.items()

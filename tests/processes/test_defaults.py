"""The Makefile and scripts/serve.sh read every default from aftercare/defaults.env, and the environment wins."""

import os
import re
import subprocess
from pathlib import Path

from aftercare.environment import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]


def test_the_makefile_reads_the_same_defaults_and_the_environment_wins():
    env = {**os.environ, "ACTION_PORT": "6055"}
    for name in DEFAULTS:
        if name != "ACTION_PORT":
            env.pop(name, None)
    printed = subprocess.run(
        ["make", "-s", "-p", "-n", "help"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*) \??:?= (.*)$", printed, re.M))
    assert {name: values[name] for name in DEFAULTS} == {**DEFAULTS, "ACTION_PORT": "6055"}


def test_serve_sh_reads_the_same_defaults():
    script = (ROOT / "scripts" / "serve.sh").read_text()
    loop = script[script.index("while IFS= read -r line") : script.index("done < aftercare/defaults.env") + 29]
    env = {name: value for name, value in os.environ.items() if name not in DEFAULTS} | {"DEMO_PORT": "8181"}
    shown = subprocess.run(
        ["bash", "-c", loop + '\nfor n in "$@"; do echo "$n=${!n}"; done', "-", *DEFAULTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dict(line.split("=", 1) for line in shown.split()) == {**DEFAULTS, "DEMO_PORT": "8181"}

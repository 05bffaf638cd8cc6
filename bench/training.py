"""Training time (from scratch and after a one-line NLU change) and held-out NLU accuracy, in a temporary copy."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import yaml

from scripts.training_inputs import training_files

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "nlu_held_out.yml"
# The one-line change: a new training example appended to the last intent of this file.
CHANGED_FILE = Path("data") / "nlu" / "care.yml"


def copy_project(destination: Path) -> Path:
    """Copies what training reads (scripts/training_inputs.py) into `destination`: no models, so no cache."""
    for relative in training_files(ROOT):
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, destination / relative)
    return destination


def add_one_training_example(project: Path) -> str:
    """Appends one example line to the last examples block of CHANGED_FILE; returns the line."""
    path = project / CHANGED_FILE
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    last_example = next(line for line in reversed(lines) if line.lstrip().startswith("- "))
    indent = last_example[: len(last_example) - len(last_example.lstrip())]
    new_line = f"{indent}- is it too soon to book my next microneedling appointment"
    path.write_text("\n".join([*lines, new_line]) + "\n", encoding="utf-8")
    return new_line.strip()


def timed(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    """Runs a command to completion (its output to `log`); its wall time in seconds. Fails on a non-zero exit."""
    started = time.monotonic()
    with open(log, "ab") as output:
        completed = subprocess.run(args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=1200)
    if completed.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(args[:3])} failed ({completed.returncode}); {log} ends:\n{tail}")
    return time.monotonic() - started


def default_pipeline_config(project: Path) -> Path:
    """The project's config with an empty `pipeline:`, which Rasa fills with its default pipeline."""
    config = yaml.safe_load((project / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = None
    path = project / "config_default_pipeline.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def held_out_accuracy(rasa: str, model: Path, project: Path, env: dict[str, str], log: Path) -> tuple[float, int]:
    """Intent accuracy of `model` on tests/nlu_held_out.yml, and the number of examples."""
    out = project / "results" / model.stem.replace(".tar", "")
    timed([rasa, "test", "nlu", "--model", str(model), "--nlu", str(HELD_OUT), "--out", str(out)], project, env, log)
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return report["accuracy"], int(report["weighted avg"]["support"])

"""What `rasa train` reads, listed once: the Makefile retrains when one of them changes; the bench copies them.

`python3 scripts/training_inputs.py` prints the files, one per line (standard library only: the Makefile runs it
before the venv exists).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The training data and settings, the NLU components, the pure code they import (aftercare/, without the alert and
# staff code no component reads), the content the rule components keep in the model (content/), the clinic files
# and the escalation model's corpus.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "components",
    "aftercare",
    "content",
    "clinic.yml",
    "care_guide.yml",
    "corpus",
)
NOT_READ_BY_TRAINING = ("aftercare/alerts", "aftercare/staff")


def training_files(root: Path = ROOT) -> list[Path]:
    """Every file under TRAINING_INPUTS, relative to `root`, without caches and the parts training never reads."""
    files = []
    for name in TRAINING_INPUTS:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            relative = file.relative_to(root)
            if (
                file.is_file()
                and "__pycache__" not in relative.parts
                and not relative.as_posix().startswith(NOT_READ_BY_TRAINING)
            ):
                files.append(relative)
    return files


if __name__ == "__main__":
    print("\n".join(str(path) for path in training_files()))

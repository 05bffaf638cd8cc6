"""A plain `rasa shell` in the project folder keeps the terminal for the conversation, as `make shell` does.

`make install` puts a one-line `.pth` file into the venv that calls `install()` when Python starts; it does nothing
unless the process is the `rasa` executable running `shell` in a folder with this project's domain.yml. Then every
log line and warning goes to results/logs/shell.log (scripts/rasa_cli.py: log_only_to), and one line says so:
Rasa's own imports print a dozen dependency warnings before any project code runs, so the hook has to come first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOG_FILE = Path("results/logs/shell.log")
ANNOUNCED = "AFTERCARE_SHELL_LOG_ANNOUNCED"
PTH_LINE = (
    'import os, sys; os.path.basename(sys.argv[0]) == "rasa" and sys.argv[1:2] == ["shell"] '
    'and __import__("scripts.rasa_shell_hook", fromlist=["install"]).install()\n'
)


def install() -> None:
    """For `rasa shell` in the project folder: logs and warnings to LOG_FILE, one line on the terminal."""
    if not Path("domain.yml").is_file() or not Path("config.yml").is_file():
        return
    from scripts.rasa_cli import log_only_to, quiet_dependency_deprecations

    if not os.environ.get(ANNOUNCED):  # once: Rasa starts the shell's server in a child process of the same command
        print(f"Starting the assistant (about a minute); its logs and warnings go to {LOG_FILE}", flush=True)
        os.environ[ANNOUNCED] = "1"
    log_only_to(LOG_FILE)
    quiet_dependency_deprecations()


def write_pth(site_packages: Path) -> Path:
    """Writes the `.pth` file into a venv's site-packages (what `make install` runs)."""
    path = site_packages / "aftercare_rasa_shell.pth"
    path.write_text(PTH_LINE, encoding="utf-8")
    return path


if __name__ == "__main__":
    import site

    print(f"wrote {write_pth(Path(site.getsitepackages()[0]))}")
    sys.exit(0)

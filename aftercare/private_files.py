"""Files that hold what patients wrote (the conversation database, the servers' logs) are for their owner only.

Standard library only: the launchers and every server process use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
GROUP_AND_OTHERS = 0o077


def restrict_new_files() -> None:
    """Makes every file and directory this process creates from now on readable by its owner only.

    Keeps any stricter bits already in the umask.
    """
    os.umask(os.umask(OWNER_ONLY_UMASK) | OWNER_ONLY_UMASK)


def make_owner_only(path: str | os.PathLike[str]) -> bool:
    """Removes the group's and others' permissions from an existing file; whether it had to.

    A missing file is left alone (False).
    """
    try:
        mode = stat.S_IMODE(Path(path).stat().st_mode)
    except FileNotFoundError:
        return False
    if not mode & GROUP_AND_OTHERS:
        return False
    os.chmod(path, mode & ~GROUP_AND_OTHERS)
    return True

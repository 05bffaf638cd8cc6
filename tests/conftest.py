"""Settings for every test in this folder, applied before any test module imports the actions."""

import os
from pathlib import Path

import pytest

# The unit tests' actions store no alert for the staff console unless a test opens an outbox of its own, so that
# importing actions.actions writes nothing into the working directory's conversations.db.
os.environ.setdefault("CONSOLE_ALERTS", "0")


# Test groups by folder, selected with `pytest -m` (Makefile): the unit tests need no model and no server.
GROUPS = {"servers": "servers", "robustness": "robustness", "scale": "scale"}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test with its folder's group (servers, robustness, scale), and every other one `unit`."""
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(HERE).parts[0]
        item.add_marker(GROUPS.get(folder, "unit"))

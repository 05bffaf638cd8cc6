"""Settings for every test in this folder, applied before any test module imports the actions."""

import os
from pathlib import Path

import pytest

# The unit tests' actions store no alert for the staff console unless a test opens an outbox of its own, so that
# importing actions.settings writes nothing into the working directory's conversations.db.
os.environ.setdefault("CONSOLE_ALERTS", "0")


# Test groups by folder, selected with `pytest -m` (Makefile): the unit tests need no model and no server.
GROUPS = {"servers": "servers", "robustness": "robustness", "scale": "scale"}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test with its folder's group (servers, robustness, scale), and every other one `unit`."""
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(HERE).parts[0]
        item.add_marker(GROUPS.get(folder, "unit"))


@pytest.fixture
def alerts(tmp_path, monkeypatch):
    """Alerts on, to a webhook, with the outbox in a fresh SQLite database; the outbox is returned."""
    from actions import settings
    from actions.alerts import ClinicAlerts
    from services.alert_settings import read_alert_settings
    from storage.outbox import Outbox, connect

    def switch_on(**environ):
        alert_settings = read_alert_settings(
            {"ALERT_WEBHOOK_URL": "http://127.0.0.1:9911/hook", "ALERT_WEBHOOK_SECRET": "x" * 20, **environ}
        )
        outbox = Outbox(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))
        monkeypatch.setattr(settings, "ALERTS", ClinicAlerts(alert_settings, outbox))
        return outbox

    return switch_on

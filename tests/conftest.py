"""Settings for every test in this folder, applied before any test module imports the actions."""

import contextlib
import multiprocessing.process
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
import uvloop

# The unit tests' actions store no alert for the staff console unless a test opens an outbox of its own, so that
# importing actions.settings writes nothing into the working directory's conversations.db.
os.environ.setdefault("CONSOLE_ALERTS", "0")


@sa.event.listens_for(sa.engine.Engine, "connect")
def skip_sqlite_disk_syncs(connection: object, _record: object) -> None:
    """The tests' SQLite databases do not wait for the disk at each commit (about 13 ms each, most of the time of the
    outbox and staff tests): a test's database need not survive a power cut, and what is read back is the same."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")


# Test groups by folder, selected with `pytest -m` (Makefile). The unit tests need no model and start no process;
# `processes` starts child processes (a CLI, make, a server) but needs no model; the others start real servers.
GROUPS = {"processes": "processes", "servers": "servers", "robustness": "robustness", "scale": "scale"}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test with its folder's group (processes, servers, robustness, scale), and every other one `unit`."""
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(HERE).parts[0]
        item.add_marker(GROUPS.get(folder, "unit"))


# Every way Python starts a child process ends in one of these: subprocess.run, Popen and asyncio's own loop in
# Popen._execute_child, multiprocessing in Process.start, the rest in the os functions. uvloop's loop, which Sanic
# installs, starts processes itself, so its subprocess methods are refused by name.
PROCESS_STARTERS = [
    (subprocess.Popen, "_execute_child"),
    (multiprocessing.process.BaseProcess, "start"),
    *((os, name) for name in ("fork", "forkpty", "system", "posix_spawn", "posix_spawnp", "spawnv", "spawnve")),
    *((os, name) for name in ("execv", "execve", "execvp", "execvpe")),
    (uvloop.Loop, "subprocess_exec"),
    (uvloop.Loop, "subprocess_shell"),
]


class ProcessStartedInUnitTest(AssertionError):
    """A unit test tried to start a child process."""


def refusal(starter: str) -> Callable[..., NoReturn]:
    """A stand-in for `starter` that fails the test, naming what it called and where such a test belongs."""

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise ProcessStartedInUnitTest(
            f"a unit test starts no process, but this one called {starter}: test the code in-process, or move the "
            "test to tests/processes/ (no model needed) or tests/servers/ (a trained model)"
        )

    return refuse


def refuse_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes every way of starting a child process fail the test."""
    for owner, name in PROCESS_STARTERS:
        if hasattr(owner, name):
            monkeypatch.setattr(owner, name, refusal(f"{owner.__name__}.{name}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """A unit test's fixtures start no process, those it shares with other tests (session, module) included."""
    with refusing_processes(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A unit test starts no process."""
    with refusing_processes(item):
        yield


@contextlib.contextmanager
def refusing_processes(item: pytest.Item) -> Iterator[None]:
    """Refuses child processes while a `unit` test, or a fixture it needs, runs; other groups are left alone."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        if item.get_closest_marker("unit") is not None:
            refuse_processes(monkeypatch)
        yield


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

"""A unit test that starts a child process fails with a message saying where such a test belongs (tests/conftest.py).

Each test asks for a process that would leave a file behind, so a guard that let it through is seen twice: no
refusal, and the file.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
import uvloop

REFUSAL = r"a unit test starts no process, but this one called .*move the test to tests/processes/"


def touch(path: Path) -> None:
    path.touch()


def python_touching(path: Path) -> list[str]:
    return [sys.executable, "-c", f"import pathlib; pathlib.Path({str(path)!r}).touch()"]


def test_subprocess_run_is_refused(tmp_path):
    with pytest.raises(AssertionError, match=REFUSAL):
        subprocess.run(python_touching(tmp_path / "ran"), check=True)
    assert not (tmp_path / "ran").exists()


def test_popen_is_refused_and_named(tmp_path):
    with pytest.raises(AssertionError, match=r"called Popen\._execute_child"):
        subprocess.Popen(python_touching(tmp_path / "ran"))
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("new_loop", [asyncio.new_event_loop, uvloop.new_event_loop], ids=["asyncio", "uvloop"])
def test_an_asyncio_subprocess_is_refused_on_either_event_loop(tmp_path, new_loop):
    async def start() -> None:
        process = await asyncio.create_subprocess_exec(*python_touching(tmp_path / "ran"))
        await process.wait()

    loop = new_loop()
    try:
        with pytest.raises(AssertionError, match=REFUSAL):
            loop.run_until_complete(start())
    finally:
        loop.close()
    assert not (tmp_path / "ran").exists()


def test_multiprocessing_is_refused(tmp_path):
    process = multiprocessing.Process(target=touch, args=(tmp_path / "ran",))
    with pytest.raises(AssertionError, match=REFUSAL):
        process.start()
    assert not (tmp_path / "ran").exists()


def test_os_system_is_refused(tmp_path):
    with pytest.raises(AssertionError, match=REFUSAL):
        os.system(f"touch {tmp_path / 'ran'}")
    assert not (tmp_path / "ran").exists()


@pytest.fixture(scope="module")
def refusal_in_a_shared_fixture(tmp_path_factory) -> tuple[str, bool]:
    """What a module-scoped fixture saw when it tried to start a process, and whether the process ran."""
    ran = tmp_path_factory.mktemp("shared") / "ran"
    try:
        subprocess.run(python_touching(ran), check=True)
    except AssertionError as refusal:
        return str(refusal), ran.exists()
    return "", ran.exists()


def test_a_fixture_shared_between_tests_is_refused_too(refusal_in_a_shared_fixture):
    message, ran = refusal_in_a_shared_fixture
    assert "a unit test starts no process" in message and not ran

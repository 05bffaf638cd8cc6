"""Starts the real action server and Rasa server on loopback for end-to-end tests, and stops them after.

SERVER_TESTS_RASA_PORT / SERVER_TESTS_ACTION_PORT move them from 5105 / 5155.
"""

from __future__ import annotations

import os

import pytest

from scripts.servers import MODEL, Servers

RASA_PORT = int(os.environ.get("SERVER_TESTS_RASA_PORT", "5105"))
ACTION_PORT = int(os.environ.get("SERVER_TESTS_ACTION_PORT", "5155"))


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("servers"), RASA_PORT, ACTION_PORT)
    try:
        running.start_both()
        yield running
    finally:
        running.stop_both()

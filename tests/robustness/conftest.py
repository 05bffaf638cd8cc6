"""Real servers on loopback for the robustness tests: started once for the whole directory.

The fault tests stop, hang and restart servers, so they get their own pair (test_faults.py).
ROBUSTNESS_PORT_OFFSET moves every port of this directory (5306/5356, 5308/5358) by that much, so that two
checkouts can run these tests on one machine at once.
"""

from __future__ import annotations

import os

import pytest

from aftercare.clinic import load_clinic
from scripts.servers import MODEL, ROOT, Servers

PORT_OFFSET = int(os.environ.get("ROBUSTNESS_PORT_OFFSET", "0"))
RASA_PORT = 5306 + PORT_OFFSET
ACTION_PORT = 5356 + PORT_OFFSET
ALLOWED_ORIGIN = "http://localhost:8080"
CLINIC = load_clinic(ROOT / "clinic.yml")


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("robustness"), RASA_PORT, ACTION_PORT, CORS_ORIGINS=ALLOWED_ORIGIN)
    try:
        running.start_both()
        yield running
    finally:
        running.stop_both()


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def is_safe_reply(text: str) -> bool:
    """The reply a patient gets when a turn failed: the emergency number and the clinic's phone."""
    return "technical problem" in text and f"call {CLINIC.emergency_number} now" in text and CLINIC.phone in text

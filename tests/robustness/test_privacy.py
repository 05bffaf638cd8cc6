"""Ordinary (INFO) logs of both servers carry no message text and no procedure time, after a real conversation
that went through the model, the custom actions, an escalation and a failed action."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from tests.robustness.conftest import texts

MARKER = "zebrafinch"


def test_the_logs_hold_no_message_text_and_no_procedure_time(servers):
    procedure_time = (datetime.now(timezone.utc) - timedelta(hours=27, minutes=13)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sender = "privacy-patient"
    servers.send(sender, f"can I wear make-up to the {MARKER} party?", {"procedure_time": procedure_time})
    servers.send(sender, f"there is pus near my {MARKER} tattoo")
    servers.send(sender, "actually I had it 4 days ago")
    servers.send(sender, f'/inform_procedure_time{{"{MARKER}": ')  # a malformed payload Rasa warns about
    servers.post(json.dumps({"sender": sender, "message": f"{MARKER}", "metadata": {"procedure_time": MARKER}}))
    # An action that raises: the action server logs the failure, not the conversation it was given.
    token = servers.env["ACTION_SERVER_TOKEN"]
    crash = {
        "next_action": "action_answer_question",
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": {"rejected_procedure_time": MARKER}, "latest_message": {}},
        "domain": {},
        "version": "3.6.21",
    }
    authorization = {"Authorization": f"Bearer {token}"}
    status, answer = servers.post(json.dumps(crash), "/webhook", port=servers.action_port, headers=authorization)
    assert status == 500 and MARKER not in json.dumps(answer)

    stored = servers.user_texts(sender)
    assert any(MARKER in text for text in stored), "the conversation itself is stored"
    typed_time = [value for value in servers.slot_values(sender, "procedure_time") if value][-1]
    for name in ("rasa", "actions"):
        log = servers.log(name)
        assert MARKER not in log, f"{name}.log holds what the patient wrote"
        assert procedure_time not in log and typed_time not in log, f"{name}.log holds a procedure time"
        assert procedure_time[:16] not in log and typed_time[:16] not in log
    assert "warning sign" in texts(servers.send(sender, "the pus is still there"))

"""actions.server: what of an action call is registered as the patient's, to be kept out of the logs."""

from actions.server import patient_values


def test_the_messages_metadata_and_slots_of_a_call_are_the_patients():
    call = {
        "next_action": "action_answer_question",
        "tracker": {
            "latest_message": {"text": "there is pus", "metadata": {"procedure_time": "2026-11-28T17:00:00Z"}},
            "slots": {"rejected_procedure_time": "last tuesday-ish"},
            "events": [
                {"event": "user", "text": "I had it yesterday"},
                {"event": "bot", "text": "Thanks"},
                {"event": "user", "text": "there is pus"},
            ],
        },
    }
    assert patient_values(call) == [
        "there is pus",
        {"procedure_time": "2026-11-28T17:00:00Z"},
        {"rejected_procedure_time": "last tuesday-ish"},
        "there is pus",
        "I had it yesterday",
    ]


def test_a_call_without_a_readable_tracker_has_nothing_to_register():
    assert patient_values(None) == [] and patient_values({"tracker": "x"}) == []
    assert patient_values({"tracker": {"latest_message": None, "slots": [], "events": "x"}}) == []

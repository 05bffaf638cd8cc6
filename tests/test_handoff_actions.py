"""During a handoff (a staff reply in the console) the assistant stops answering care questions; escalations stay."""

import pytest

from actions import settings
from actions.actions import ActionAnswerQuestion, ActionAskRephrase, ActionEscalate
from actions.handoff import Handoffs
from storage.staff_store import StaffStore, connect
from tests.test_actions import THREE_HOURS_AGO, fixed_clock, responses, run, tracker  # noqa: F401 - fixture

CARE_GUIDE_ANSWER = "Not yet"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    monkeypatch.setattr(settings, "HANDOFFS", Handoffs(url))
    staff = StaffStore(connect(url))
    staff.save_account("nurse@example.org", "Nurse Jo", "not-a-real-hash")
    return staff


def nurse(store):
    return store.account_by_email("nurse@example.org")


def makeup_answer():
    messages, _ = run(ActionAnswerQuestion(), tracker("ask_makeup", procedure_time=THREE_HOURS_AGO))
    return " ".join(str(text) for text in responses(messages))


def test_the_assistant_answers_care_questions_before_any_staff_reply(store):
    assert makeup_answer().startswith(CARE_GUIDE_ANSWER)


def test_after_a_staff_reply_care_questions_get_the_person_and_no_care_guide(store):
    store.add_reply("patient-1", nurse(store), "Hello, this is Jo from the clinic.")
    answer = makeup_answer()
    assert "Nurse Jo from Glow Skin Clinic is with you in this chat and will answer here" in answer
    assert CARE_GUIDE_ANSWER not in answer and "make-up" not in answer
    messages, _ = run(ActionAskRephrase(), tracker("nlu_fallback"))
    assert "is with you in this chat" in messages[0]["text"]


def test_another_conversation_is_not_affected_by_a_handoff(store):
    store.add_reply("someone-else", nurse(store), "Hello")
    assert makeup_answer().startswith(CARE_GUIDE_ANSWER)


@pytest.mark.parametrize("hand_back", ["return_to_assistant", "mark_handled"])
def test_the_assistant_answers_again_after_return_or_handled(store, hand_back):
    store.add_reply("patient-1", nurse(store), "Hello")
    if hand_back == "return_to_assistant":
        store.return_to_assistant("patient-1")
    else:
        store.mark_handled("patient-1", nurse(store), "called her back")
    assert makeup_answer().startswith(CARE_GUIDE_ANSWER)


def test_an_emergency_during_a_handoff_still_gets_the_emergency_reply_first(store):
    store.add_reply("patient-1", nurse(store), "Hello")
    messages, events = run(ActionEscalate(), tracker("report_emergency"))
    assert responses(messages)[0] == "utter_emergency"
    assert {"event": "slot", "name": "escalation", "value": "emergency", "timestamp": None} in events


def test_a_warning_sign_during_a_handoff_still_escalates_to_the_injector(store):
    store.add_reply("patient-1", nurse(store), "Hello")
    messages, _ = run(ActionEscalate(), tracker("report_warning_sign"))
    assert responses(messages)[:2] == ["utter_warning_sign", "utter_contact_injector_now"]


def test_an_unreadable_database_lets_the_assistant_answer(monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "HANDOFFS", Handoffs(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"))
    assert makeup_answer().startswith(CARE_GUIDE_ANSWER)

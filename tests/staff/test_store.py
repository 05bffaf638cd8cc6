"""The console's tables: accounts, sessions, handoffs and staff replies shared by several processes (store.py)."""

import threading

import pytest

from aftercare.staff.security import Lockout, session_key
from storage.staff_store import StaffStore, connect, sessions


@pytest.fixture
def store(tmp_path):
    return StaffStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))


@pytest.fixture
def nurse(store):
    store.save_account(" Nurse@Example.org ", "Nurse Jo", "hash-1")
    return store.account_by_email("nurse@example.org")


def test_an_account_is_found_by_its_email_in_any_case_and_resetting_it_unlocks_and_signs_out(store, nurse):
    assert nurse.email == "nurse@example.org" and store.account_by_email("NURSE@example.org ") == nurse
    token = store.open_session(nurse)
    store.lock_account(nurse.id, 10**12)
    assert store.save_account("nurse@example.org", "Jo Smith", "hash-2") is False
    renewed = store.account_by_email("nurse@example.org")
    assert (renewed.name, renewed.password_hash, renewed.lockout) == ("Jo Smith", "hash-2", Lockout(0, 0.0))
    assert store.session_account(token) is None


def test_a_session_is_stored_as_a_hash_and_ends_when_idle_or_closed(store, nurse):
    token = store.open_session(nurse, now=1000.0)
    with store.engine.connect() as connection:
        (key,) = connection.execute(sessions.select()).first()[:1]
    assert key == session_key(token) and token not in key
    assert store.session_account(token, now=1000.0 + 3599) == nurse
    assert store.session_account(token, now=1000.0 + 3599 + 3600) is None  # an hour after its last use
    second = store.open_session(nurse)
    store.close_session(second)
    assert store.session_account(second) is None
    assert store.session_account("made-up") is None and store.session_account(None) is None


def test_a_live_update_does_not_keep_a_session_from_idling_out(store, nurse):
    token = store.open_session(nurse, now=1000.0)
    assert store.session_account(token, now=1000.0 + 3000, active=False) == nurse
    assert store.session_account(token, now=1000.0 + 3600, active=False) is None


def test_sign_in_attempts_are_numbered_in_the_database_and_none_counts_while_locked(tmp_path, store, nurse):
    assert [store.count_sign_in_attempt(nurse.id, now=1.0) for _ in range(3)] == [1, 2, 3]
    store.sign_in_succeeded(nurse.id)
    assert store.count_sign_in_attempt(nurse.id, now=2.0) == 1
    store.lock_account(nurse.id, until=900.0)
    assert store.count_sign_in_attempt(nurse.id, now=899.0) is None
    assert store.account_by_email(nurse.email).lockout == Lockout(0, 900.0)
    assert store.count_sign_in_attempt(nurse.id, now=900.0) == 1  # the lock ended: five tries again

    # Another process's store on the same database, counting at the same time: every attempt gets its own number.
    other = StaffStore(connect(f"sqlite:///{tmp_path / 'conversations.db'}"))
    numbers, start = [], threading.Barrier(8)

    def count(each: StaffStore) -> None:
        start.wait()
        for _ in range(5):
            numbers.append(each.count_sign_in_attempt(nurse.id, now=1000.0))

    threads = [threading.Thread(target=count, args=(each,)) for each in [store, other] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(2, 42))


def test_a_reply_starts_a_handoff_and_return_or_handled_ends_it(store, nurse):
    assert store.person_is_answering("c1") is None
    store.add_reply("c1", nurse, "  Hello  ")
    handoff = store.person_is_answering("c1")
    assert handoff.staff_name == "Nurse Jo" and handoff.replied_at > 0
    assert [reply.text for reply in store.replies_for("c1")] == ["Hello"]
    store.return_to_assistant("c1")
    assert store.person_is_answering("c1") is None
    store.add_reply("c1", nurse, "Back again")
    store.mark_handled("c1", nurse, "  booked a check  ")
    assert store.person_is_answering("c1") is None
    assert (store.handoff("c1").handled_by, store.handoff("c1").note) == ("Nurse Jo", "booked a check")


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_over_long_reply_is_refused(store, nurse, text):
    with pytest.raises(ValueError, match="1 to 2000"):
        store.add_reply("c1", nurse, text)


def test_two_replicas_never_claim_the_same_reply_and_a_dead_ones_lease_runs_out(store, nurse):
    store.add_reply("c1", nurse, "first")
    store.add_reply("c2", nurse, "elsewhere")
    (reply,) = store.undelivered_replies(["c1"], now=0.0)
    assert store.claim_reply(reply, now=100.0) is True
    assert store.claim_reply(reply, now=101.0) is False  # the other replica
    assert store.undelivered_replies(["c1"], now=101.0) == []
    assert store.claim_reply(reply, now=131.0) is True  # the first one died: its 30 s lease ran out
    store.reply_delivered(reply)
    assert store.claim_reply(reply, now=10**10) is False
    assert [r.text for r in store.undelivered_replies(["c1", "c2"])] == ["elsewhere"]


def test_the_audit_log_keeps_who_did_what_to_which_conversation(store, nurse):
    store.audit("open", nurse.email, nurse.id, "c1")
    store.audit("reply", nurse.email, nurse.id, "c1")
    store.audit("sign_in", nurse.email, nurse.id)
    assert [(e["action"], e["conversation_id"]) for e in store.audit_entries("c1")] == [("reply", "c1"), ("open", "c1")]
    newest, *_, oldest = store.audit_entries()
    assert [e["action"] for e in store.audit_entries(before=newest["id"], limit=1)] == ["reply"]
    assert store.audit_entries(before=oldest["id"]) == []
    assert [e["action"] for e in store.audit_entries(action="open")] == ["open"]
    with pytest.raises(ValueError):
        store.audit("read_everything", nurse.email)

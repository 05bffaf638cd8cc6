"""A warning sign after staff marked the case handled reaches the clinic again and reopens the case in the inbox."""

import pytest
import sqlalchemy as sa

from actions import settings
from actions.actions import ActionEscalate
from actions.alerts import ClinicAlerts
from aftercare.staff.inbox import HANDLED, NEW
from services.alert_settings import read_alert_settings
from storage.outbox import Outbox
from storage.staff_store import StaffStore, connect
from tests.test_actions import fixed_clock, responses, run, tracker  # noqa: F401 - fixture

PATIENT = "patient-1"  # the conversation of tests.test_actions.tracker
# Rasa's SQL tracker store's table, which the inbox reads the procedure time from (empty here).
EVENTS_TABLE = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


@pytest.fixture
def staff(tmp_path, monkeypatch) -> StaffStore:
    """The console's store, and the action server's alerts to a webhook, in one fresh database."""
    engine = connect(f"sqlite:///{tmp_path / 'conversations.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text(EVENTS_TABLE))
    store = StaffStore(engine)
    alert_settings = read_alert_settings(
        {"ALERT_WEBHOOK_URL": "http://127.0.0.1:9911/hook", "ALERT_WEBHOOK_SECRET": "x" * 20}
    )
    monkeypatch.setattr(settings, "ALERTS", ClinicAlerts(alert_settings, Outbox(engine), store))
    store.save_account("nurse@example.org", "Nurse Jo", "not-a-real-hash")
    return store


def patient_writes(text: str) -> list:
    """The patient reports a warning sign; what the assistant answers."""
    messages, _ = run(ActionEscalate(), tracker("report_warning_sign", text=text))
    return responses(messages)


def webhook_alerts(staff: StaffStore) -> int:
    return len(Outbox(staff.engine).claim(limit=100))  # the console's copies are stored delivered


def inbox_status(staff: StaffStore) -> str:
    (entry,) = staff.inbox()
    return entry.status


def test_a_warning_sign_after_mark_handled_alerts_the_clinic_and_reopens_the_case(staff):
    patient_writes("there's pus coming out of one of the needle marks")
    staff.mark_handled(PATIENT, staff.account_by_email("nurse@example.org"), "called her, booked a check")
    assert inbox_status(staff) == HANDLED

    answer = patient_writes("the redness is spreading and my cheek is hot")
    assert "utter_warning_sign" in answer and "utter_contact_injector_now" in answer
    assert webhook_alerts(staff) == 2
    assert inbox_status(staff) == NEW

    patient_writes("it's still hot")  # the same case, still open: no new alert
    assert webhook_alerts(staff) == 0  # the two above are claimed; nothing new is due
    assert inbox_status(staff) == NEW


def test_without_mark_handled_a_repeat_within_hours_still_alerts_once(staff):
    patient_writes("there's pus coming out of one of the needle marks")
    staff.add_reply(PATIENT, staff.account_by_email("nurse@example.org"), "Hello, this is Jo from the clinic.")
    staff.return_to_assistant(PATIENT)
    patient_writes("the redness is spreading and my cheek is hot")
    assert webhook_alerts(staff) == 1

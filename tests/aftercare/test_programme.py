"""The programme's schedule from the shipped clinic.yml and care guide: when each message is due, in local time."""

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from aftercare.care_guide import domain_topics, load_care_guide
from aftercare.clinic import ConfigError, load_clinic
from aftercare.programme import Programme, QuietHours, load_message_texts

CLINIC = load_clinic("clinic.yml")
GUIDE = load_care_guide(CLINIC.care_guide, domain_topics(Path("domain.yml")))
NEW_YORK = "America/New_York"
ZONE = ZoneInfo(NEW_YORK)
LINK = "https://glowskin.example/aftercare?aftercare=token"


@dataclass(frozen=True)
class Patient:
    procedure_time: datetime
    created_at: datetime
    timezone: str = NEW_YORK
    first_name: str = "Anna"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def programme(settings=None) -> Programme:
    return Programme(
        GUIDE, CLINIC.contact_details(), settings or CLINIC.programme, load_message_texts(), CLINIC.booking_url
    )


def due_times(patient: Patient) -> dict[str, datetime]:
    return {message.key: message.due_at.astimezone(ZONE) for message in programme().schedule(patient, LINK)}


def test_a_treatment_at_10_am_gets_the_welcome_at_once_and_each_check_in_at_10_am_days_later():
    treated = local(2026, 11, 2, 10)
    times = due_times(Patient(treated, created_at=treated + timedelta(minutes=20)))
    assert times["welcome"] == local(2026, 11, 2, 10, 20)
    assert times["check_in:24h"] == local(2026, 11, 3, 10)
    assert times["check_in:168h"] == local(2026, 11, 9, 10)
    assert times["milestone:72h"] == local(2026, 11, 5, 10)
    assert times["next_session"] == local(2026, 11, 30, 10)
    assert list(times) == sorted(times, key=times.get)


def test_a_message_due_in_the_patients_night_waits_for_8_am_their_time():
    treated = local(2026, 11, 2, 22, 30)
    times = due_times(Patient(treated, created_at=treated))
    assert times["welcome"] == local(2026, 11, 3, 8)
    assert times["check_in:24h"] == local(2026, 11, 4, 8)


def test_a_night_message_moved_across_the_change_to_summer_time_goes_out_at_8_am_local_not_7_or_9():
    treated = local(2026, 3, 7, 22)  # 22:00 EST; 24 hours later it is 23:00 EDT on the 8th
    times = due_times(Patient(treated, created_at=treated - timedelta(days=3)))
    assert times["check_in:24h"] == local(2026, 3, 9, 8)
    assert times["check_in:24h"].utcoffset() == timedelta(hours=-4)
    assert times["check_in:24h"].astimezone(timezone.utc) == datetime(2026, 3, 9, 12, tzinfo=timezone.utc)


def test_quiet_hours_start_at_21_00_and_end_at_08_00_sharp():
    quiet = CLINIC.programme.quiet_hours
    assert quiet.contains(time(21, 0)) and quiet.contains(time(7, 59)) and quiet.contains(time(0, 0))
    assert not quiet.contains(time(20, 59)) and not quiet.contains(time(8, 0))
    afternoon = QuietHours(time(13, 0), time(14, 0))
    assert afternoon.contains(time(13, 30)) and not afternoon.contains(time(14, 0))
    assert afternoon.next_allowed(local(2026, 6, 1, 13, 10), NEW_YORK) == local(2026, 6, 1, 14)


def test_the_same_moment_is_night_for_one_patient_and_day_for_another():
    treated = datetime(2026, 11, 2, 14, tzinfo=timezone.utc)
    now = datetime(2026, 11, 3, 14, 30, tzinfo=timezone.utc)  # 9:30 in New York, 23:30 in Tokyo
    new_york = Patient(treated, created_at=treated)
    tokyo = Patient(treated, created_at=treated, timezone="Asia/Tokyo")
    assert [message.key for message in programme().due(new_york, now, {"welcome"})] == ["check_in:24h"]
    assert programme().due(tokyo, now, {"welcome"}) == []


def test_next_due_follows_what_was_sent_and_skips_a_check_in_whose_time_has_passed():
    treated = local(2026, 11, 2, 10)
    patient = Patient(treated, created_at=treated)
    now = treated + timedelta(hours=1)
    assert programme().next_due(patient, now, set()).key == "welcome"
    assert programme().next_due(patient, now, {"welcome"}).key == "check_in:24h"
    late = Patient(treated, created_at=treated + timedelta(days=8))
    keys = [message.key for message in programme().due(late, local(2026, 11, 10, 12), set())]
    assert keys == ["welcome", "check_in:168h"]
    everything = {message.key for message in programme().schedule(patient)}
    assert programme().next_due(patient, local(2026, 12, 30, 12), everything) is None


def test_the_texts_carry_the_link_the_clinic_and_the_check_in_question():
    treated = local(2026, 11, 2, 10)
    messages = {message.key: message for message in programme().schedule(Patient(treated, treated), LINK)}
    assert LINK in messages["welcome"].text and "Anna" in messages["welcome"].text
    assert "How does your skin look today?" in messages["check_in:24h"].text
    assert "24 hours" in messages["check_in:24h"].text and "7 days" in messages["check_in:168h"].text
    sms = messages["check_in:24h"].sms_text
    assert CLINIC.clinic_name in sms and CLINIC.phone in sms and "STOP" in sms
    assert CLINIC.phone in messages["welcome"].email_text
    assert "book" in messages["next_session"].text.lower()


def write_clinic(tmp_path, programme_settings) -> Path:
    content = yaml.safe_load(Path("clinic.yml").read_text())
    content["programme"] = programme_settings
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(content))
    return path


def test_without_a_programme_key_the_defaults_apply(tmp_path):
    content = yaml.safe_load(Path("clinic.yml").read_text())
    del content["programme"]
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(content))
    settings = load_clinic(path).programme
    assert settings.retention_days == 60
    assert (settings.quiet_hours.start, settings.quiet_hours.end) == (time(21), time(8))


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"retention_days": 0}, "programme.retention_days"),
        ({"quiet_hours": {"start": "9pm", "end": "08:00"}}, "programme.quiet_hours.start"),
        ({"quiet_hours": {"start": "21:00"}}, "programme.quiet_hours"),
        ({"milestone_messages": ["soon"]}, "programme.milestone_messages"),
        ({"quiet": 1}, "programme.quiet"),
    ],
)
def test_a_wrong_programme_setting_stops_start_up_naming_the_key(tmp_path, settings, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_clinic(write_clinic(tmp_path, settings))


def test_a_milestone_message_for_a_time_that_is_no_milestone_is_refused():
    with pytest.raises(ConfigError, match="50 hours, which is not a milestone"):
        programme(replace(CLINIC.programme, milestone_hours=(50.0,)))

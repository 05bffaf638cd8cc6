"""An enrolment request's fields (aftercare/enrolment_request.py): each wrong field is named, nothing else passes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aftercare.care_guide import CareGuide, CheckIn
from aftercare.enrolment_request import FieldError, programme_length, read_enrolment_request

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
LENGTH = timedelta(days=28)


def body(**changes):
    return {
        "first_name": "Anna",
        "email": "anna@example.com",
        "mobile": "+14155550100",
        "procedure_time": "2026-03-02T09:30:00-05:00",
        "timezone": "America/New_York",
        "consent": True,
        **changes,
    }


def refused_field(value, **options) -> str:
    with pytest.raises(FieldError) as refused:
        read_enrolment_request(value, NOW, LENGTH, **options)
    return refused.value.field


def test_a_complete_request_is_read_in_the_stores_types():
    request = read_enrolment_request(body(first_name=" Anna "), NOW, LENGTH)
    assert request.first_name == "Anna"
    assert request.procedure_time == datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)
    assert request.procedure_time.utcoffset() == timedelta(0)
    assert (request.email, request.mobile, request.timezone) == ("anna@example.com", "+14155550100", "America/New_York")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"first_name": "A" * 101}, "first_name"),
        ({"first_name": "An\nna"}, "first_name"),
        ({"email": "anna"}, "email"),
        ({"email": "anna@localhost"}, "email"),
        ({"email": 5}, "email"),
        ({"mobile": "415 555 0100"}, "mobile"),
        ({"mobile": "+0155550100"}, "mobile"),
        ({"email": None, "mobile": None}, "email"),
        ({"email": "", "mobile": " "}, "email"),
        ({"procedure_time": "2026-03-02T10:30:00"}, "procedure_time"),
        ({"procedure_time": "yesterday"}, "procedure_time"),
        ({"procedure_time": 1772465400}, "procedure_time"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"consent": False}, "consent"),
        ({"consent": "true"}, "consent"),
        ({"consent": None}, "consent"),
        ({"diagnosis": "x"}, "diagnosis"),
    ],
)
def test_each_wrong_field_is_named(changes, field):
    assert refused_field(body(**changes)) == field


def test_a_body_that_is_not_an_object_is_refused():
    assert refused_field(["Anna"]) == "body"


def test_one_channel_is_enough():
    assert read_enrolment_request(body(email=None), NOW, LENGTH).email is None
    assert read_enrolment_request(body(mobile=None), NOW, LENGTH).mobile is None


def test_the_treatment_is_in_the_past_and_within_the_programme():
    in_five_minutes = "2026-03-02T15:05:00Z"
    in_six_minutes = "2026-03-02T15:06:00Z"
    assert read_enrolment_request(body(procedure_time=in_five_minutes), NOW, LENGTH)
    assert refused_field(body(procedure_time=in_six_minutes)) == "procedure_time"
    assert read_enrolment_request(body(procedure_time="2026-02-02T15:00:00Z"), NOW, LENGTH)
    assert refused_field(body(procedure_time="2026-02-02T14:59:00Z")) == "procedure_time"


def test_the_forms_local_time_is_read_in_the_patients_time_zone():
    request = read_enrolment_request(body(procedure_time="2026-03-02T09:30"), NOW, LENGTH, local_times_in_timezone=True)
    assert request.procedure_time == datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)


def test_an_error_never_quotes_the_value():
    with pytest.raises(FieldError) as refused:
        read_enrolment_request(body(email="secret-name@nowhere"), NOW, LENGTH)
    assert "secret-name" not in str(refused.value)


def test_the_programme_lasts_until_its_last_message():
    guide = CareGuide(topics={}, time_buttons=(), check_ins=(CheckIn(24, 168), CheckIn(168, 336)))
    assert programme_length(guide) == timedelta(hours=336)

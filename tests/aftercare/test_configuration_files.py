"""Bad clinic and care-guide files stop start-up with a message naming the file, the key and the problem."""

from pathlib import Path

import pytest
import yaml

from aftercare.care_guide import load_care_guide
from aftercare.clinic import ConfigError, load_clinic

TOPICS = ["makeup", "hydration"]
GOOD_GUIDE = {
    "time_question": [{"title": "Yesterday", "hours_ago": 24}],
    "topics": {
        "makeup": {
            "windows": [
                {"from_hours": 0, "until_hours": 24, "text": "Not yet, wait until {until}."},
                {"from_hours": 24, "text": "Yes."},
            ]
        },
        "hydration": {"windows": [{"from_hours": 0, "text": "Drink water. Call {phone}."}]},
    },
}
GOOD_CLINIC = yaml.safe_load(Path("clinic.yml").read_text())


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    return path


def guide_with(**changes):
    guide = yaml.safe_load(yaml.safe_dump(GOOD_GUIDE))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = guide
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            del node[last]
        else:
            node[last if isinstance(node, dict) else int(last)] = value
    return guide


def test_the_good_files_load(tmp_path):
    guide = load_care_guide(write(tmp_path, "guide.yml", GOOD_GUIDE), TOPICS)
    assert guide.topics["makeup"].needs_time
    assert not guide.topics["hydration"].needs_time
    clinic = load_clinic("clinic.yml")
    assert clinic.emergency_number and clinic.care_guide == Path("care_guide.yml")


@pytest.mark.parametrize(
    ("guide", "message"),
    [
        (guide_with(topics__makeup=None), "topic 'makeup' is missing"),
        (guide_with(topics__botox={"windows": [{"from_hours": 0, "text": "x"}]}), "unknown topic 'botox'"),
        (
            guide_with(topics__makeup__windows__1__from_hours=20),
            "topic 'makeup': windows 1 and 2 overlap",
        ),
        (guide_with(topics__makeup__windows__1__from_hours=30), "topic 'makeup': gap between windows 1 and 2"),
        (guide_with(topics__makeup__windows__0__from_hours=1), "the first window must start at from_hours: 0"),
        (guide_with(topics__makeup__windows__1__until_hours=48), "the last window must have no 'until_hours'"),
        (guide_with(topics__makeup__windows__0__until_hours="a day"), "'until_hours' must be a number of hours"),
        (guide_with(topics__makeup__windows__0__from_hours=None), "window 1: key 'from_hours' is missing"),
        (guide_with(topics__makeup__windows__1__text=""), "window 2: 'text' is missing or empty"),
        (guide_with(topics__makeup__windows__1__text="See {doctor}"), "unknown placeholder {doctor}"),
        (guide_with(topics__makeup__windows__1__text="Yes {until}"), "uses {until} but the window has no"),
        (guide_with(topics__makeup__windows__0__escalate="yes"), "'escalate' must be true or false"),
        (guide_with(topics__makeup__windows__0__escalate_if_intense=1), "'escalate_if_intense' must be true or false"),
        (guide_with(first_hours=-2), "'first_hours' must be a number of hours"),
        (guide_with(topics__makeup__windows__0__colour="red"), "unknown key 'colour'"),
        (guide_with(topics__makeup__windows=[]), "topic 'makeup' needs a non-empty list of 'windows'"),
        (guide_with(time_question=None), "'time_question' must be a non-empty list"),
        (guide_with(time_question__0__hours_ago=-3), "'hours_ago' must be a number of hours"),
        (guide_with(topics=None), "key 'topics' is missing or empty"),
        ("topics: [unclosed", "is not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_a_bad_care_guide_is_refused_with_a_clear_message(tmp_path, guide, message):
    path = write(tmp_path, "guide.yml", guide)
    with pytest.raises(ConfigError) as error:
        load_care_guide(path, TOPICS)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": None}, "key 'phone' is missing"),
        ({"clinic_name": ""}, "key 'clinic_name' must be a non-empty text"),
        ({"timezone": "Mars/Olympus"}, "key 'timezone' is 'Mars/Olympus', not an IANA time zone"),
        ({"date_order": "YMD"}, "key 'date_order' must be one of MDY, DMY"),
        ({"phnoe": "123"}, "unknown key 'phnoe'"),
        ({"hours": "9-5"}, "key 'hours' is replaced by 'opening_hours'"),
        ({"opening_hours": None}, "key 'opening_hours' must map weekdays to times"),
        ({"opening_hours": {"mondey": "09:00-18:00"}}, "'mondey' is not a weekday"),
        ({"opening_hours": {"monday": "9 to 5"}}, "key 'opening_hours.monday': '9 to 5' is not a time range"),
        ({"opening_hours": {"monday": "18:00-09:00"}}, "'18:00-09:00' ends before it starts"),
        ({"opening_hours": {"monday": "09:00-13:00, 12:00-18:00"}}, "'12:00-18:00' overlaps"),
        ({"opening_hours": {"monday": "09:00-25:00"}}, "25:00 is not a time of day"),
        ({"opening_hours": {"sunday": "closed"}}, "the clinic is closed every day"),
        ({"booking_url": "glowskin.example/book"}, "key 'booking_url' must be a web address starting with https://"),
        (
            {"prices_url": "http://glowskin.example/prices"},
            "key 'prices_url' must be a web address starting with https",
        ),
        ({"booking_url": "javascript:alert(1)"}, "key 'booking_url' must be a web address"),
        ({"address": ""}, "key 'address' must be a non-empty text"),
        ({"closed_dates": ["Christmas"]}, "key 'closed_dates': 'Christmas' is not a date"),
        ({"closed_dates": "2026-12-25"}, "key 'closed_dates' must be a list of dates"),
    ],
)
def test_a_bad_clinic_file_is_refused_with_a_clear_message(tmp_path, changes, message):
    content = {**GOOD_CLINIC, **changes}
    content = {key: value for key, value in content.items() if value is not None}
    path = write(tmp_path, "clinic.yml", content)
    with pytest.raises(ConfigError) as error:
        load_clinic(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_emergency_number_defaults_to_911(tmp_path):
    content = {key: value for key, value in GOOD_CLINIC.items() if key != "emergency_number"}
    assert load_clinic(write(tmp_path, "clinic.yml", content)).emergency_number == "911"


def test_the_links_and_address_are_optional(tmp_path):
    content = {key: value for key, value in GOOD_CLINIC.items() if key not in ("address", "booking_url", "prices_url")}
    clinic = load_clinic(write(tmp_path, "clinic.yml", content))
    assert (clinic.address, clinic.booking_url, clinic.prices_url) == (None, None, None)
    assert load_clinic("clinic.yml").booking_url == "https://glowskin.example/book"


def test_a_missing_clinic_file_is_named():
    with pytest.raises(ConfigError, match="nowhere.yml: file not found"):
        load_clinic("nowhere.yml")

"""The one rule for a conversation's console path and for reading its id back (aftercare/staff/links.py)."""

import pytest

from aftercare.staff.links import conversation_id_from_path, conversation_path
from services.alert_settings import read_alert_settings

IDS = ["anna.1@example.org", "ben+clinic", "carla and dan", "100%-sure", "left/right", "zoë-ünal-東京", "%41"]


@pytest.mark.parametrize("conversation_id", IDS)
def test_every_id_is_one_ascii_path_segment_that_reads_back_as_itself(conversation_id):
    path = conversation_path(conversation_id)
    segment = path.removeprefix("/conversations/")
    assert path.isascii() and "/" not in segment and " " not in segment and "+" not in segment
    assert conversation_id_from_path(segment) == conversation_id
    assert conversation_path(conversation_id, "reply") == path + "/reply"


def test_the_alert_link_is_the_console_path():
    settings = read_alert_settings({"CONSOLE_URL": "https://console.clinic.example/"})
    assert settings.console_link("anna@x.org") == "https://console.clinic.example" + conversation_path("anna@x.org")


@pytest.mark.parametrize("segment", ["%ff", "%C3", "", "%00", "a%00b"])
def test_a_segment_that_is_not_utf_8_or_holds_a_nul_names_no_conversation(segment):
    assert conversation_id_from_path(segment) is None

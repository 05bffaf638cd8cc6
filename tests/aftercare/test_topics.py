"""Which care topics a message names, and whether it is a topic-only follow-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aftercare.topics import find_topics, is_topic_only, load_topic_words, topics_not_there_now


def topics(text: str) -> list[str]:
    return [mention.topic for mention in find_topics(text)]


def test_every_topic_of_a_two_question_message_is_found_in_order() -> None:
    assert topics("Is it ok to put on foundation, and can I do pilates?") == ["makeup", "exercise"]


def test_a_topic_named_twice_is_found_once() -> None:
    assert topics("spf or sunscreen, which sunscreen?") == ["sunscreen"]


def test_words_inside_other_words_are_not_topics() -> None:
    assert topics("it feels like a sunburn, not a scrubbed feeling") == []


@pytest.mark.parametrize("text", ["and the sauna?", "what about my make-up", "Retinol?", "ok and spf then"])
def test_a_message_naming_only_topics_is_a_follow_up(text: str) -> None:
    assert is_topic_only(text, find_topics(text))


@pytest.mark.parametrize("text", ["the sauna made my face burn", "can I go to the gym, my lips are swelling", "ok"])
def test_a_message_saying_more_is_not_a_follow_up(text: str) -> None:
    assert not is_topic_only(text, find_topics(text))


def test_a_topics_file_with_an_unquoted_yes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump({"topics": {"makeup": [True]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="topic 'makeup'"):
        load_topic_words(path)


def test_every_topic_in_the_shipped_file_is_a_care_guide_topic() -> None:
    guide = yaml.safe_load(Path("care_guide.yml").read_text(encoding="utf-8"))
    assert set(load_topic_words().patterns) <= set(guide["topics"])


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ([("bleeding", None, False)], ["bleeding"]),  # "the bleeding stopped"
        ([("swelling", None, False), ("swollen", None, True)], []),  # gone on one side, still there on the other
        ([("swelling", None, False), ("pus", None, True)], ["swelling"]),
        ([("red", "redness", False)], ["redness"]),  # an expected effect names its topic: "no longer red"
        ([("pain", None, False)], []),  # no care topic named
        ([], []),
    ],
)
def test_the_topics_not_there_now_are_those_only_named_by_mentions_that_do_not_escalate(mentions, expected):
    assert topics_not_there_now(mentions) == expected

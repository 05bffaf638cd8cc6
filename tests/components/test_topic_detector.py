"""The topic detector as Rasa runs it: after DIET, before the warning-sign detector."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.topic_detector import TopicDetector


def create_detector(tmp_path: Path, **config: str) -> TopicDetector:
    return TopicDetector.create(
        {**TopicDetector.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("topic_detector"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def process(detector: TopicDetector, text: str, intent: str = "out_of_scope") -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.6}, add_to_output=True)
    [processed] = detector.process([message])
    return processed


def test_every_topic_named_becomes_an_entity(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), "can I use a scrub tonight and wear mascara tomorrow?", "ask_scrubs")
    assert [(entity["entity"], entity["value"]) for entity in message.get(ENTITIES)] == [
        ("topic", "scrubs"),
        ("topic", "makeup"),
    ]
    assert message.get(INTENT)["name"] == "ask_scrubs"


def test_a_topic_only_follow_up_is_asked_about_its_topic(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), "and the jacuzzi?", "report_warning_sign")
    assert message.get(INTENT) == {"name": "ask_heat", "confidence": 1.0}


def test_a_message_the_classifier_was_unsure_of_is_asked_about_its_first_topic(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), "fine to use retinol plus spf this week?", "nlu_fallback")
    assert message.get(INTENT) == {"name": "ask_actives", "confidence": 1.0}


def test_a_message_saying_more_keeps_the_classifiers_intent(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), "I went to the gym and now it stings", "ask_exercise")
    assert message.get(INTENT) == {"name": "ask_exercise", "confidence": 0.6}


def test_a_broken_topics_file_stops_the_assistant(tmp_path: Path) -> None:
    path = tmp_path / "topics.yml"
    path.write_text("topics: []\n", encoding="utf-8")
    with pytest.raises(InvalidConfigException, match="topics.yml"):
        create_detector(tmp_path, topics_file=str(path))

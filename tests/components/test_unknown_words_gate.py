"""The unknown-words gate as Rasa trains, stores and loads it."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.unknown_words_gate import UnknownWordsGate

CONTEXT = ExecutionContext(GraphSchema({}), "test")


def guessed(text: str, entities: list | None = None) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": "ask_bleeding", "confidence": 0.71}, add_to_output=True)
    if entities:
        message.set(ENTITIES, entities, add_to_output=True)
    return message


def trained_gate(tmp_path: Path) -> UnknownWordsGate:
    storage, resource = LocalModelStorage(tmp_path), Resource("unknown_words_gate")
    gate = UnknownWordsGate.create(UnknownWordsGate.get_default_config(), storage, resource, CONTEXT)
    examples = [Message(data={TEXT: "is bleeding normal", INTENT: "ask_bleeding"})]
    gate.train(TrainingData(training_examples=examples))
    return UnknownWordsGate.load(UnknownWordsGate.get_default_config(), storage, resource, CONTEXT)


def test_the_words_are_kept_in_the_model_and_a_message_of_unknown_words_falls_back(tmp_path: Path) -> None:
    gate = trained_gate(tmp_path)
    [gibberish, question] = gate.process([guessed("xqzv blorp"), guessed("bleeding still?")])
    assert gibberish.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.71}
    assert question.get(INTENT)["name"] == "ask_bleeding"


def test_a_message_in_which_an_extractor_read_something_is_left_alone(tmp_path: Path) -> None:
    topic = [{"entity": "topic", "value": "breakouts", "start": 0, "end": 5}]
    [message] = trained_gate(tmp_path).process([guessed("milia?", topic)])
    assert message.get(INTENT)["name"] == "ask_bleeding"

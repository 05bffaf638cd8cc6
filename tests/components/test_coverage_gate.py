"""The coverage gate as Rasa runs it: after the topic detector, before the warning-sign detector."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.coverage_gate import CoverageGate


def create_gate(tmp_path: Path, thresholds: str = "default: 0.6\ntopics: {shaving: 0.9}\n") -> CoverageGate:
    path = tmp_path / "coverage.yml"
    path.write_text(thresholds, encoding="utf-8")
    return CoverageGate.create(
        {"thresholds_file": str(path)},
        LocalModelStorage(tmp_path),
        Resource("coverage_gate"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def process(gate: CoverageGate, intent: str, confidence: float, topics: tuple[str, ...] = ()) -> Message:
    message = Message(data={TEXT: "a message"})
    message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(ENTITIES, [{"entity": "topic", "value": topic} for topic in topics], add_to_output=True)
    [processed] = gate.process([message])
    return processed


def test_an_unsure_guess_naming_no_topic_is_not_covered(tmp_path: Path) -> None:
    message = process(create_gate(tmp_path), "ask_shaving", 0.8)
    assert message.get(INTENT)["name"] == "out_of_scope"


def test_an_unsure_guess_is_answered_about_the_topic_the_message_names(tmp_path: Path) -> None:
    message = process(create_gate(tmp_path), "ask_hydration", 0.55, ("alcohol",))
    assert message.get(INTENT)["name"] == "ask_alcohol"


@pytest.mark.parametrize(
    ("intent", "confidence", "topics"),
    [("ask_shaving", 0.95, ()), ("ask_shaving", 0.55, ("shaving",)), ("report_emergency", 0.51, ())],
)
def test_a_sure_or_backed_up_guess_and_every_report_are_left_alone(tmp_path, intent, confidence, topics) -> None:
    assert process(create_gate(tmp_path), intent, confidence, topics).get(INTENT)["name"] == intent


def test_a_broken_thresholds_file_stops_loading_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="coverage.yml"):
        create_gate(tmp_path, "default: yes\n")

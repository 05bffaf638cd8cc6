"""The learned topic component as Rasa trains, stores and loads it, after the coverage gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.learned_topics import PARSE_KEY, LearnedTopics

CONTEXT = ExecutionContext(GraphSchema({}), "test")
# The corpus writers' wording: DIET never sees it, the topic model learns it.
CORPUS = """\
messages:
  - {text: "can i put on foundation tomorrow", escalation: none, intent: ask_makeup}
  - {text: "is concealer ok yet", escalation: none, intent: ask_makeup}
  - {text: "when can i wear a full face of makeup", escalation: none, intent: ask_makeup}
  - {text: "can i hit the gym tonight", escalation: none, intent: ask_exercise}
  - {text: "is a 5k run ok tomorrow", escalation: none, intent: ask_exercise}
  - {text: "when can i do weights again", escalation: none, intent: ask_exercise}
  - {text: "there is pus in a spot", escalation: injector, intent: report_warning_sign}
"""


def trained_and_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: float = 0.4) -> LearnedTopics:
    """Trained on a corpus that is deleted afterwards, then loaded from another working directory."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "A_batch_01.yml").write_text(CORPUS, encoding="utf-8")
    config = {"corpus_folder": str(corpus), "threshold": threshold}
    storage, resource = LocalModelStorage(tmp_path), Resource("learned_topics")
    LearnedTopics.create(config, storage, resource, CONTEXT).train(TrainingData())
    (corpus / "A_batch_01.yml").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return LearnedTopics.load(config, storage, resource, CONTEXT)


def classified(text: str, intent: str) -> Message:
    """A message as the classifier and the coverage gate leave it."""
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.3}, add_to_output=True)
    return message


def test_a_question_the_classifier_could_not_place_gets_its_care_topic(tmp_path, monkeypatch) -> None:
    component = trained_and_loaded(tmp_path, monkeypatch)
    unplaced, not_covered = classified("can i wear foundation", "nlu_fallback"), classified("gym ok?", "out_of_scope")
    component.process([unplaced, not_covered])
    assert unplaced.get(INTENT)["name"] == "ask_makeup"
    assert not_covered.get(INTENT)["name"] == "ask_exercise"
    assert unplaced.get(PARSE_KEY)["intent_before"] == "nlu_fallback"


def test_an_intent_the_classifier_placed_is_left_as_it_is(tmp_path, monkeypatch) -> None:
    component = trained_and_loaded(tmp_path, monkeypatch)
    placed, logistics = classified("can i wear foundation", "ask_sunscreen"), classified("gym ok?", "clinic_prices")
    component.process([placed, logistics])
    assert (placed.get(INTENT)["name"], logistics.get(INTENT)["name"]) == ("ask_sunscreen", "clinic_prices")
    assert placed.get(PARSE_KEY) is None and logistics.get(PARSE_KEY) is None  # not even read: no cost per reply


def test_below_the_threshold_the_rephrase_prompt_stays(tmp_path, monkeypatch) -> None:
    probe = classified("can i wear foundation", "nlu_fallback")
    trained_and_loaded(tmp_path / "first", monkeypatch).process([probe])
    sure = probe.get(PARSE_KEY)["confidence"]
    component = trained_and_loaded(tmp_path / "second", monkeypatch, threshold=sure + 0.001)
    unplaced = classified("can i wear foundation", "nlu_fallback")
    component.process([unplaced])
    assert unplaced.get(INTENT)["name"] == "nlu_fallback"


def test_a_reported_sign_in_the_corpus_is_no_care_question_to_learn(tmp_path, monkeypatch) -> None:
    component = trained_and_loaded(tmp_path, monkeypatch)
    unplaced = classified("there is pus in a spot", "nlu_fallback")
    component.process([unplaced])
    assert unplaced.get(PARSE_KEY)["intent"] != "report_warning_sign"  # the warning-sign detector, next, escalates

"""The learned escalation component as Rasa trains, stores and loads it, after the warning-sign detector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.learned_escalation import PARSE_KEY, LearnedEscalation
from components.warning_sign_detector import WarningSignDetector

CONTEXT = ExecutionContext(GraphSchema({}), "test")
CORPUS = """\
messages:
  - {text: "i cant breathe and my throat is closing", escalation: emergency}
  - {text: "my lips are swelling up fast and i cant swallow", escalation: emergency}
  - {text: "i just fainted in the kitchen", escalation: emergency}
  - {text: "there is yellow pus coming out of a spot", escalation: injector}
  - {text: "the redness is spreading and feels hot", escalation: injector}
  - {text: "a cold sore blister on my lip", escalation: injector}
  - {text: "can i wear makeup tomorrow", escalation: none}
  - {text: "when can i go back to the gym", escalation: none}
  - {text: "what sunscreen should i use", escalation: none}
"""
# Words the lexicon has no sign for; the tiny corpus has "i just fainted in the kitchen".
LEXICON_MISSES = "i just went down in the kitchen"
RANKING = [{"name": "ask_makeup", "confidence": 0.6}, {"name": "report_emergency", "confidence": 0.3}]


def config(corpus: Path, **thresholds: float) -> dict[str, Any]:
    return {**LearnedEscalation.get_default_config(), "corpus_folder": str(corpus), **thresholds}


def trained_and_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **thresholds: float) -> LearnedEscalation:
    """Trained on a corpus that is deleted afterwards, then loaded from another working directory."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "A_batch_01.yml").write_text(CORPUS, encoding="utf-8")
    storage, resource = LocalModelStorage(tmp_path), Resource("learned_escalation")
    LearnedEscalation.create(config(corpus), storage, resource, CONTEXT).train(TrainingData())
    (corpus / "A_batch_01.yml").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return LearnedEscalation.load(config(corpus, **thresholds), storage, resource, CONTEXT)


def after_detector(text: str, ranking: list[dict[str, Any]] = RANKING) -> Message:
    """A message as DIET and the warning-sign detector leave it."""
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(item) for item in ranking], add_to_output=True)
    detector = WarningSignDetector.create(WarningSignDetector.get_default_config(), None, None, CONTEXT)
    return detector.process([message])[0]


def test_the_trained_model_raises_an_emergency_the_lexicon_missed_without_its_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    component = trained_and_loaded(tmp_path, monkeypatch)
    [message] = component.process([after_detector(LEXICON_MISSES)])
    assert message.get(INTENT)["name"] == "report_emergency"
    reading = message.get(PARSE_KEY)
    assert reading["label"] == "emergency" and reading["intent_before"] == "ask_makeup"
    assert message.as_dict_nlu()[PARSE_KEY] == reading


def test_a_calm_question_keeps_its_intent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [message] = trained_and_loaded(tmp_path, monkeypatch).process([after_detector("can i wear makeup tomorrow")])
    assert message.get(INTENT) == RANKING[0]
    assert message.get(PARSE_KEY)["label"] == "none"


def test_the_classifier_guess_is_dropped_for_the_best_care_question_when_the_model_is_sure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    component = trained_and_loaded(tmp_path, monkeypatch, keep_classifier_threshold=0.3)
    guess = [{"name": "report_emergency", "confidence": 0.5}, {"name": "ask_sunscreen", "confidence": 0.4}]
    [message] = component.process([after_detector("what sunscreen should i use", guess)])
    assert message.get(PARSE_KEY)["probabilities"]["none"] > 0.7
    assert message.get(INTENT) == {"name": "ask_sunscreen", "confidence": 0.4}


def test_a_message_in_another_language_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = after_detector(LEXICON_MISSES)
    message.set("language", "es", add_to_output=True)
    [message] = trained_and_loaded(tmp_path, monkeypatch).process([message])
    assert message.get(INTENT) == RANKING[0]
    assert message.get(PARSE_KEY) is None


def test_a_corpus_change_changes_the_fingerprint_so_rasa_retrains(tmp_path: Path) -> None:
    (tmp_path / "A_batch_01.yml").write_text(CORPUS, encoding="utf-8")
    before = LearnedEscalation.fingerprint_addon(config(tmp_path))
    (tmp_path / "B_batch_01.yml").write_text(CORPUS, encoding="utf-8")
    assert LearnedEscalation.fingerprint_addon(config(tmp_path)) != before


def test_training_without_a_corpus_is_refused_naming_the_folder(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("learned_escalation")
    component = LearnedEscalation.create(config(tmp_path / "missing"), storage, resource, CONTEXT)
    with pytest.raises(InvalidConfigException, match="escalation corpus: .*missing"):
        component.train(TrainingData())

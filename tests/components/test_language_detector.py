"""The language detector as Rasa runs it: after the English warning-sign detector, only ever raising its intent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.language_detector import LanguageDetector
from components.warning_sign_detector import WarningSignDetector

FALLBACK_RANKING = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_makeup", "confidence": 0.3}]


def create(component: type, tmp_path: Path) -> Any:
    return component.create(
        component.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource(component.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )


def run(tmp_path: Path, text: str, ranking: list[dict[str, Any]] = FALLBACK_RANKING) -> Message:
    """The message after the classifier's `ranking`, the English detector and the language detector."""
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(item) for item in ranking], add_to_output=True)
    create(WarningSignDetector, tmp_path).process([message])
    [processed] = create(LanguageDetector, tmp_path).process([message])
    return processed


def entity_values(message: Message, name: str) -> list[str]:
    return [entity["value"] for entity in message.get(ENTITIES) or [] if entity["entity"] == name]


def test_a_spanish_question_is_other_language_with_its_language(tmp_path: Path) -> None:
    message = run(tmp_path, "¿puedo usar maquillaje mañana?")
    assert message.get(INTENT) == {"name": "other_language", "confidence": 1.0}
    assert message.get("language") == "es"
    assert message.as_dict(only_output_properties=True)["language"] == "es"  # kept in the parse data
    assert message.get(INTENT_RANKING_KEY) == FALLBACK_RANKING


def test_a_spanish_emergency_escalates_with_its_sign(tmp_path: Path) -> None:
    message = run(tmp_path, "no puedo respirar")
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    assert entity_values(message, "warning_sign") == ["emergency"] and message.get("language") == "es"


def test_a_spanish_emergency_is_not_lowered_by_an_english_sign(tmp_path: Path) -> None:
    message = run(tmp_path, "tengo pus y no puedo respirar")
    assert message.get(INTENT)["name"] == "report_emergency"


def test_a_spanish_warning_sign_goes_to_the_injector_and_a_negated_one_does_not(tmp_path: Path) -> None:
    assert run(tmp_path, "tengo fiebre desde ayer").get(INTENT)["name"] == "report_warning_sign"
    assert run(tmp_path, "no tengo fiebre desde ayer").get(INTENT)["name"] == "other_language"


def test_english_messages_keep_their_intent_and_get_no_language(tmp_path: Path) -> None:
    for text in ("ok", "hola", "no pus", "can I wear make-up tomorrow?"):
        message = run(tmp_path, text, [{"name": "ask_makeup", "confidence": 0.9}])
        assert message.get(INTENT) == {"name": "ask_makeup", "confidence": 0.9}
        assert message.get("language") is None
    assert run(tmp_path, "I have pus on my chin").get(INTENT)["name"] == "report_warning_sign"


def test_the_classifiers_other_language_guess_on_english_becomes_the_fallback(tmp_path: Path) -> None:
    message = run(tmp_path, "can I wear make-up tomorrow?", [{"name": "other_language", "confidence": 0.6}])
    assert message.get(INTENT)["name"] == "nlu_fallback"

"""The warning-sign detector as Rasa runs it: last in the pipeline, after DIET and the FallbackClassifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine import validation
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.warning_sign_detector import WarningSignDetector

DIET_RANKING = [
    {"name": "ask_makeup", "confidence": 0.9},
    {"name": "ask_infection_risk", "confidence": 0.06},
    {"name": "greet", "confidence": 0.04},
]
FALLBACK_RANKING = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_makeup", "confidence": 0.3}]


def create_detector(tmp_path: Path, **config: Any) -> WarningSignDetector:
    return WarningSignDetector.create(
        {**WarningSignDetector.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("warning_sign_detector"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def classified_message(text: str, ranking: list[dict[str, Any]] = DIET_RANKING) -> Message:
    """A tokenized message as DIET (or the FallbackClassifier) leaves it."""
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(item) for item in ranking], add_to_output=True)
    return message


def process(detector: WarningSignDetector, message: Message) -> Message:
    [processed] = detector.process([message])
    return processed


def test_a_warning_sign_becomes_an_entity_and_overrides_the_intent(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), classified_message("can I wear make-up over the pus?"))
    assert message.get(ENTITIES) == [
        {
            "entity": "warning_sign",
            "value": "infection",
            "start": 28,
            "end": 31,
            "confidence": 1.0,
            "extractor": "WarningSignDetector",
        }
    ]
    assert message.get(INTENT) == {"name": "report_warning_sign", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) == DIET_RANKING


def test_an_emergency_sign_outranks_other_signs(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), classified_message("there's pus and my lips are swelling"))
    assert [entity["value"] for entity in message.get(ENTITIES)] == ["infection", "emergency"]
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}


def test_a_sign_escalates_even_after_the_fallback_classifier(tmp_path: Path) -> None:
    message = process(create_detector(tmp_path), classified_message("cant breath", FALLBACK_RANKING))
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) == FALLBACK_RANKING


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("can I wear make-up tomorrow?", DIET_RANKING),
        ("what are the signs of infection?", DIET_RANKING),
        ("no pus, just a bit pink", DIET_RANKING),
        ("asdf qwerty", FALLBACK_RANKING),
    ],
)
def test_a_message_without_signs_keeps_its_intent_and_gets_no_entity(
    tmp_path: Path, text: str, ranking: list[dict[str, Any]]
) -> None:
    message = process(create_detector(tmp_path), classified_message(text, ranking))
    assert message.get(ENTITIES) == []
    assert message.get(INTENT) == ranking[0]
    assert message.get(INTENT_RANKING_KEY) == ranking


REPORT_RANKING = [
    {"name": "report_warning_sign", "confidence": 0.8},
    {"name": "report_emergency", "confidence": 0.1},
    {"name": "ask_itching", "confidence": 0.07},
    {"name": "greet", "confidence": 0.03},
]


@pytest.mark.parametrize(
    "text",
    [
        "the hives have cleared up",  # resolved
        "no blisters at all",  # negated
        "how do I stop it getting infected?",  # hypothetical
        "my mum had a cold sore last week",  # someone else's
        "the redness has finally faded",  # an expected effect that is gone is weighed too
        "no swelling left at all",
    ],
)
def test_the_classifier_cannot_escalate_signs_that_are_not_the_patients_now(tmp_path: Path, text: str) -> None:
    message = process(create_detector(tmp_path), classified_message(text, REPORT_RANKING))
    assert message.get(INTENT) == {"name": "ask_itching", "confidence": 0.07}
    assert message.get(ENTITIES) == []


def test_without_another_usable_intent_the_patient_is_told_what_to_watch_for(tmp_path: Path) -> None:
    ranking = [REPORT_RANKING[0], {"name": "nlu_fallback", "confidence": 0.2}]
    message = process(create_detector(tmp_path), classified_message("the oozing has stopped", ranking))
    assert message.get(INTENT) == {"name": "ask_side_effects", "confidence": 1.0}


@pytest.mark.parametrize("text", ["my face feels very strange", "still a bit red and my face feels very strange"])
def test_the_classifier_guess_stands_when_no_sign_or_only_an_effect_there_now_was_found(
    tmp_path: Path, text: str
) -> None:
    message = process(create_detector(tmp_path), classified_message(text, REPORT_RANKING))
    assert message.get(INTENT) == REPORT_RANKING[0]


def test_keeps_the_entities_of_other_extractors(tmp_path: Path) -> None:
    message = classified_message("it's been bleeding for hours since yesterday")
    other = {"entity": "procedure_time", "value": "2026-11-28T17:00:00Z", "start": 33, "end": 42}
    message.set(ENTITIES, [other], add_to_output=True)
    entities = process(create_detector(tmp_path), message).get(ENTITIES)
    assert [(entity["entity"], entity["value"]) for entity in entities] == [
        ("procedure_time", "2026-11-28T17:00:00Z"),
        ("warning_sign", "bleeding"),
    ]


def test_the_intents_it_sets_are_configurable(tmp_path: Path) -> None:
    detector = create_detector(tmp_path, emergency_intent="call_ambulance", warning_intent="call_clinic")
    assert process(detector, classified_message("I fainted")).get(INTENT)["name"] == "call_ambulance"
    assert process(detector, classified_message("I have hives")).get(INTENT)["name"] == "call_clinic"


def test_processes_every_message_of_a_batch(tmp_path: Path) -> None:
    messages = [classified_message("I have hives"), classified_message("when can I exercise?")]
    processed = create_detector(tmp_path).process(messages)
    assert [message.get(INTENT)["name"] for message in processed] == ["report_warning_sign", "ask_makeup"]


def test_the_lexicon_is_found_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    message = process(create_detector(tmp_path), classified_message("red streaks on my cheek"))
    assert message.get(INTENT)["name"] == "report_warning_sign"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "not found"), ("signs: {acne: [pimple]}\n", "invalid warning-sign lexicon"), ("", "must be a mapping")],
)
def test_a_missing_or_broken_lexicon_stops_the_assistant(tmp_path: Path, content: str | None, reason: str) -> None:
    path = tmp_path / "lexicon.yml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidConfigException, match=reason):
        create_detector(tmp_path, lexicon_file=str(path))


def test_rasa_accepts_it_last_in_the_pipeline() -> None:
    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "KeywordIntentClassifier"},
            {"name": "FallbackClassifier", "threshold": 0.5},
            {"name": "components.warning_sign_detector.WarningSignDetector"},
        ],
        "policies": [],
    }
    model_config = DefaultV1Recipe().graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validation.validate(model_config)
    detector_node = model_config.predict_schema.nodes["run_components.warning_sign_detector.WarningSignDetector3"]
    assert detector_node.needs["messages"] == "run_FallbackClassifier2"
    assert detector_node.fn == "process"


def test_the_topics_the_patient_says_are_gone_go_to_the_actions(tmp_path: Path) -> None:
    detector = create_detector(tmp_path)
    gone = process(detector, classified_message("the swelling has gone down completely"))
    assert gone.get("not_there_now") == ["swelling"]
    assert gone.as_dict_nlu()["not_there_now"] == ["swelling"]  # in the parse data the actions read
    assert process(detector, classified_message("my face is still swollen")).get("not_there_now") is None


@pytest.mark.parametrize(
    ("ranking", "intent"),
    [
        (
            [{"name": "report_emergency", "confidence": 0.8}, {"name": "ask_swelling", "confidence": 0.1}],
            "ask_swelling",
        ),
        (FALLBACK_RANKING, "ask_side_effects"),
        (DIET_RANKING, "ask_makeup"),
    ],
)
def test_a_sign_only_supposed_is_passed_on_as_asked_about_and_never_escalates(
    tmp_path: Path, ranking: list[dict[str, Any]], intent: str
) -> None:
    message = process(create_detector(tmp_path), classified_message("what should I do if my lips swell?", ranking))
    assert message.get(ENTITIES) in (None, [])
    assert message.get("signs_asked_about") == ["emergency"]
    assert message.get(INTENT)["name"] == intent


EMERGENCY_GUESS = [{"name": "report_emergency", "confidence": 0.8}, {"name": "ask_itching", "confidence": 0.1}]


def test_an_emergency_guess_beside_organs_said_to_be_fine_and_an_expected_effect_is_dropped(tmp_path: Path) -> None:
    message = classified_message("breathing's fine and my throat feels normal, just a bit itchy", EMERGENCY_GUESS)
    assert process(create_detector(tmp_path), message).get(INTENT)["name"] == "ask_itching"


def test_an_emergency_guess_beside_a_symptom_the_lexicon_cannot_place_stands(tmp_path: Path) -> None:
    message = classified_message("my lips are fine but I feel weird and sore all over", EMERGENCY_GUESS)
    assert process(create_detector(tmp_path), message).get(INTENT)["name"] == "report_emergency"


def test_the_topics_of_the_effects_there_now_are_passed_on(tmp_path: Path) -> None:
    detector = create_detector(tmp_path)
    message = process(detector, classified_message("my cheeks are still a bit pink and itchy"))
    assert message.get("effects_there_now") == ["redness", "itching"]
    assert process(detector, classified_message("the pinkness has gone")).get("effects_there_now") is None


def test_signs_said_in_an_expected_effects_words_and_intense_effects_are_passed_on(tmp_path: Path) -> None:
    detector = create_detector(tmp_path)
    assert process(detector, classified_message("my cheeks are hot and red")).get("expectable_in_first_hours") is True
    assert process(detector, classified_message("yellow pus on my chin")).get("expectable_in_first_hours") is None
    assert process(detector, classified_message("still really red on day 5")).get("intense_effects") == ["redness"]
    assert process(detector, classified_message("still a little pink")).get("intense_effects") is None

"""The rule components keep their content files in the trained model: it runs the same from any directory."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.coverage_gate import CoverageGate
from components.language_detector import LanguageDetector
from components.rule_component import RuleComponent
from components.time_extractor import ProcedureTimeExtractor
from components.topic_detector import TopicDetector
from components.warning_sign_detector import WarningSignDetector

CONTENT = Path(__file__).resolve().parents[2] / "content"
CONTEXT = ExecutionContext(GraphSchema({}), "test")
CLINIC = """\
clinic_name: Glow
injector_name: Dr Lee
phone: '555 0100'
opening_hours: {monday: 09:00-17:00}
timezone: Europe/London
date_order: DMY
"""


def clinic_copy(folder: Path) -> dict[str, str]:
    """The content files copied into `folder` (a clinic's own copy), as each component's config names them."""
    shutil.copytree(CONTENT, folder)
    return {
        "lexicon_file": str(folder / "warning_signs.yml"),
        "english_lexicon_file": str(folder / "warning_signs.yml"),
        "topics_file": str(folder / "topic_words.yml"),
        "thresholds_file": str(folder / "topic_confidence.yml"),
        "expressions_file": str(folder / "time_vocabulary.yml"),
        "languages_folder": str(folder),
    }


def config_of(component: type[RuleComponent], files: dict[str, str], clinic: Path) -> dict[str, Any]:
    own = {key: value for key, value in files.items() if key in component.get_default_config()}
    if component is ProcedureTimeExtractor:
        own["clinic_file"] = str(clinic)  # the servers' setting, read when loaded: not content
    return {**component.get_default_config(), **own}


def message(text: str, intent: str = "nlu_fallback", confidence: float = 0.9) -> Message:
    parsed = Message(data={TEXT: text})
    parsed.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
    parsed.set(ENTITIES, [], add_to_output=True)
    return parsed


# What each component must still do once loaded elsewhere: (message, what the parse data then holds).
CASES = [
    (WarningSignDetector, message("there is pus coming out of a spot"), lambda m: m.get(ENTITIES)[0]["value"]),
    (ProcedureTimeExtractor, message("it was 2 days ago"), lambda m: m.get(ENTITIES)[0]["entity"]),
    (TopicDetector, message("and sunscreen?"), lambda m: m.get(ENTITIES)[0]["value"]),
    (CoverageGate, message("can i get my nails done", "ask_makeup", 0.51), lambda m: m.get(INTENT)[INTENT_NAME_KEY]),
    (LanguageDetector, message("no puedo respirar bien"), lambda m: (m.get("language"), m.get(INTENT)["name"])),
]
EXPECTED = ["infection", "procedure_time", "sunscreen", "out_of_scope", ("es", "report_emergency")]


@pytest.mark.parametrize(
    ("component", "parsed", "reading", "expected"),
    [(*case, expected) for case, expected in zip(CASES, EXPECTED, strict=True)],
    ids=[case[0].__name__ for case in CASES],
)
def test_a_trained_component_runs_from_another_directory_without_its_content_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, component: type[RuleComponent], parsed, reading, expected
) -> None:
    clinic = tmp_path / "clinic.yml"
    clinic.write_text(CLINIC, encoding="utf-8")
    files = clinic_copy(tmp_path / "content")
    config = config_of(component, files, clinic)
    (tmp_path / "model").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource(component.__name__)
    component.create(config, storage, resource, CONTEXT).train(TrainingData())
    shutil.rmtree(tmp_path / "content")  # the model must not need them any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    loaded = component.load(config, storage, resource, CONTEXT)

    [processed] = loaded.process([parsed])
    assert reading(processed) == expected


@pytest.mark.parametrize(
    ("component", "edited"),
    [
        (WarningSignDetector, "warning_signs.yml"),
        (WarningSignDetector, "topic_words.yml"),
        (ProcedureTimeExtractor, "time_vocabulary.yml"),
        (TopicDetector, "topic_words.yml"),
        (CoverageGate, "topic_confidence.yml"),
        (LanguageDetector, "es/texts.yml"),
        (LanguageDetector, "es/warning_signs.yml"),
    ],
)
def test_an_edit_to_a_content_file_changes_the_fingerprint_so_rasa_retrains(
    tmp_path: Path, component: type[RuleComponent], edited: str
) -> None:
    config = config_of(component, clinic_copy(tmp_path / "content"), tmp_path / "clinic.yml")
    before = component.fingerprint_addon(config)
    with (tmp_path / "content" / edited).open("a", encoding="utf-8") as file:
        file.write("\n# a clinic's comment\n")
    assert component.fingerprint_addon(config) != before

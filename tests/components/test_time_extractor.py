"""The procedure-time extractor as Rasa runs it: created in a graph, after the WhitespaceTokenizer."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

import components.time_extractor
from aftercare.procedure_time import DEFAULT_EXPRESSIONS_FILE
from aftercare.timestamps import NOW_ENV_VAR
from components.time_extractor import ProcedureTimeExtractor

REPOSITORY = Path(__file__).resolve().parents[2]
NOW = "2026-11-29T17:00:00Z"  # a Sunday, 12:00 in New York
CONTACT = "clinic_name: Glow\ninjector_name: Dr Lee\nphone: '555 0100'\nopening_hours: {monday: 09:00-17:00}\n"
CLINIC = CONTACT + "timezone: America/New_York\ndate_order: MDY\n"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV_VAR, NOW)


def write_clinic(tmp_path: Path, content: str = CLINIC) -> Path:
    path = tmp_path / "clinic.yml"
    path.write_text(content, encoding="utf-8")
    return path


def create_extractor(tmp_path: Path, clinic: str = CLINIC) -> ProcedureTimeExtractor:
    config = {
        "clinic_file": str(write_clinic(tmp_path, clinic)),
        "expressions_file": str(DEFAULT_EXPRESSIONS_FILE),
    }
    return ProcedureTimeExtractor.create(
        {**ProcedureTimeExtractor.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("procedure_time_extractor"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def process(
    extractor: ProcedureTimeExtractor,
    text: str,
    metadata: Any | None = None,
    time: float | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The entities of a message after tokenizing it and running the extractor."""
    data: dict[str, Any] = {TEXT: text, METADATA: metadata}
    if entities is not None:
        data[ENTITIES] = entities
    message = Message(data=data, time=time)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    extractor.process([message])
    return message.get(ENTITIES)


def test_adds_one_procedure_time_entity(tmp_path: Path) -> None:
    entities = process(create_extractor(tmp_path), "I had it done yesterday, then 2 days ago")
    assert entities == [
        {
            "entity": "procedure_time",
            "value": "2026-11-28T17:00:00Z",
            "start": 14,
            "end": 23,
            "confidence": 1.0,
            "extractor": "ProcedureTimeExtractor",
        }
    ]


def test_keeps_the_entities_of_other_extractors(tmp_path: Path) -> None:
    other = {"entity": "sign", "value": "bleeding", "start": 0, "end": 8}
    entities = process(create_extractor(tmp_path), "bleeding, had it done yesterday", entities=[other])
    assert [entity["entity"] for entity in entities] == ["sign", "procedure_time"]


def test_a_symptom_onset_is_tagged_apart_from_the_procedure_time(tmp_path: Path) -> None:
    entities = process(create_extractor(tmp_path), "bleeding since this morning, had it done yesterday")
    assert {entity["entity"]: entity["value"] for entity in entities} == {
        "procedure_time": "2026-11-28T17:00:00Z",
        "symptom_onset": "2026-11-29T14:00:00Z",
    }


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("about 2 years ago", "implausible_time"),  # too long ago: never fills the procedure_time slot
        ("on Dec 25", "implausible_time"),  # this year's, in the future
        ("in 3 days", "time_ahead"),  # only an answer to the time question, explained as in the future
        ("3 days ago", "procedure_time"),
    ],
)
def test_a_time_that_cannot_be_right_is_tagged_apart_so_it_never_fills_the_slot(
    tmp_path: Path, text: str, entity: str
) -> None:
    entities = process(create_extractor(tmp_path), text)
    assert [found["entity"] for found in entities] == [entity]


def test_the_patients_time_zone_from_metadata_wins(tmp_path: Path) -> None:
    extractor = create_extractor(tmp_path)
    in_london = process(extractor, "last night", metadata={"timezone": "Europe/London"})
    assert in_london[0]["value"] == "2026-11-28T20:00:00Z"


@pytest.mark.parametrize(
    "metadata",
    [None, {}, {"timezone": "Mars/Olympus_Mons"}, {"timezone": 5}, {"timezone": ""}, "Europe/London"],
)
def test_the_clinics_time_zone_is_used_otherwise(tmp_path: Path, metadata: Any) -> None:
    entities = process(create_extractor(tmp_path), "last night", metadata=metadata)
    assert entities[0]["value"] == "2026-11-29T01:00:00Z"  # 20:00 in New York


def test_the_clinics_date_order_reads_numeric_dates(tmp_path: Path) -> None:
    extractor = create_extractor(tmp_path, CONTACT + "timezone: Europe/Paris\ndate_order: dmy\n")
    # 18:00 in Paris (the current clock time there) on 3 April, summer time (UTC+2).
    assert process(extractor, "had it on 3/4")[0]["value"] == "2026-04-03T16:00:00Z"


def test_without_a_clinic_file_setting_it_reads_the_servers_clinic_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CLINIC_FILE", str(write_clinic(tmp_path, CONTACT + "timezone: Europe/Paris\ndate_order: DMY\n"))
    )
    extractor = ProcedureTimeExtractor.create(
        {**ProcedureTimeExtractor.get_default_config(), "expressions_file": str(DEFAULT_EXPRESSIONS_FILE)},
        LocalModelStorage(tmp_path),
        Resource("procedure_time_extractor"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert process(extractor, "had it on 3/4")[0]["value"] == "2026-04-03T16:00:00Z"


def test_the_message_time_is_the_reference(tmp_path: Path) -> None:
    sent = datetime(2026, 11, 25, 17, 0, tzinfo=timezone.utc).timestamp()
    entities = process(create_extractor(tmp_path), "had it yesterday", time=sent)
    assert entities[0]["value"] == "2026-11-24T17:00:00Z"


def test_now_is_the_reference_without_a_message_time(tmp_path: Path) -> None:
    assert process(create_extractor(tmp_path), "had it yesterday")[0]["value"] == "2026-11-28T17:00:00Z"


@pytest.mark.parametrize(
    "text",
    [
        "can I wear make-up tomorrow?",
        "what can I put on my face",
        "",
        "😷🔥💉" * 100,
        "yesterday " * 2000,  # 20,000 characters: read, not refused
        "أجريت العملية أمس",
        "\x00\x07\x1b[31m\u202e\u200f",
        "x" * 20_000,
    ],
)
def test_never_raises_on_odd_text(tmp_path: Path, text: str) -> None:
    entities = process(create_extractor(tmp_path), text)
    assert len(entities) <= 1
    assert all(entity["entity"] == "procedure_time" for entity in entities)


def test_no_entity_on_irrelevant_text(tmp_path: Path) -> None:
    assert process(create_extractor(tmp_path), "can I wear make-up tomorrow?") == []


def test_an_error_while_reading_means_no_entity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(components.time_extractor, "find_procedure_time", broken)
    assert process(create_extractor(tmp_path), "yesterday") == []


def test_an_invalid_fixed_clock_means_no_entity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = create_extractor(tmp_path)
    monkeypatch.setenv(NOW_ENV_VAR, "not a time")
    assert process(extractor, "yesterday") == []


def test_default_config_reads_the_repositorys_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPOSITORY)
    extractor = ProcedureTimeExtractor.create(
        ProcedureTimeExtractor.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("procedure_time_extractor"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert process(extractor, "2 days ago")[0]["value"] == "2026-11-27T17:00:00Z"


@pytest.mark.parametrize(
    ("clinic", "message"),
    [
        (CONTACT + "date_order: MDY\n", "key 'timezone' is missing"),
        (CONTACT + "timezone: Mars/Olympus_Mons\n", "key 'timezone'"),
        (CONTACT + "timezone: Europe/London\ndate_order: YMD\n", "key 'date_order'"),
        ("date_order: MDY\ntimezone: Europe/London\n", "key 'clinic_name' is missing"),
        ("- a list\n", "must be a mapping"),
        ("timezone: [unclosed\n", "is not valid YAML"),
    ],
)
def test_a_wrong_clinic_file_is_named_with_its_key(tmp_path: Path, clinic: str, message: str) -> None:
    with pytest.raises(InvalidConfigException, match=message) as error:
        create_extractor(tmp_path, clinic)
    assert "clinic.yml" in str(error.value)


def test_a_missing_clinic_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="nowhere.yml: file not found"):
        ProcedureTimeExtractor.create(
            {"clinic_file": str(tmp_path / "nowhere.yml")},
            LocalModelStorage(tmp_path),
            Resource("procedure_time_extractor"),
            ExecutionContext(GraphSchema({}), "test"),
        )


def test_a_missing_vocabulary_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="words.yml: file not found"):
        ProcedureTimeExtractor.create(
            {"clinic_file": str(write_clinic(tmp_path)), "expressions_file": str(tmp_path / "words.yml")},
            LocalModelStorage(tmp_path),
            Resource("procedure_time_extractor"),
            ExecutionContext(GraphSchema({}), "test"),
        )

"""The learned escalation model: reading the corpus, typo copies, training, saving and loading."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from aftercare.escalation_model import (
    EMERGENCY,
    INJECTOR,
    NONE,
    EscalationModel,
    LabelledMessage,
    ModelSettings,
    augmented,
    cross_validate,
    labelled_intent_examples,
    noisy,
    read_corpus,
    train_model,
)
from aftercare.yaml_files import ConfigError

TINY_CORPUS = """\
writer: A
messages:
  - {text: "i cant breathe and my throat is closing", intent: report_emergency, escalation: emergency}
  - {text: "my lips are swelling up fast and i cant swallow", intent: report_emergency, escalation: emergency}
  - {text: "i just fainted in the kitchen", intent: report_emergency, escalation: emergency}
  - {text: "there is yellow pus coming out of a spot", intent: report_warning_sign, escalation: injector}
  - {text: "the redness is spreading and feels hot", intent: report_warning_sign, escalation: injector}
  - {text: "a cold sore blister on my lip", intent: report_warning_sign, escalation: injector}
  - {text: "can i wear makeup tomorrow", intent: ask_makeup, escalation: none}
  - {text: "when can i go back to the gym", intent: ask_exercise, escalation: none}
  - {text: "what sunscreen should i use", intent: ask_sunscreen, escalation: none}
"""


def write_corpus(folder: Path, name: str = "A_batch_01.yml", text: str = TINY_CORPUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_corpus_is_read_with_each_message_label_and_writer(tmp_path: Path) -> None:
    messages = read_corpus(write_corpus(tmp_path))
    assert len(messages) == 9
    first = LabelledMessage("i cant breathe and my throat is closing", EMERGENCY, "A", "other", "report_emergency")
    assert messages[0] == first
    assert {message.label for message in messages} == {EMERGENCY, INJECTOR, NONE}


def test_a_message_without_a_valid_label_is_refused_naming_the_file_and_message(tmp_path: Path) -> None:
    write_corpus(tmp_path, "B_batch_02.yml", 'messages:\n  - {text: "pus", escalation: urgent}\n')
    with pytest.raises(ConfigError, match=r"B_batch_02.yml: message 1 needs .* `escalation`"):
        read_corpus(tmp_path)


def test_an_empty_corpus_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no corpus file"):
        read_corpus(tmp_path)


def test_typo_copies_are_the_same_for_the_same_seed_and_keep_the_label() -> None:
    messages = [LabelledMessage("my throat feels swollen and breathing is difficult", EMERGENCY, "A")]
    settings = ModelSettings(typo_rate=1.0)
    first, second = augmented(messages, settings), augmented(messages, settings)
    assert first == second
    assert first[0] == messages[0]
    assert first[1].text != messages[0].text and first[1].label == EMERGENCY


def test_a_typo_changes_only_words_of_four_letters_or_more() -> None:
    words = noisy("i am ok but swollen", 1.0, random.Random(1)).split(" ")
    assert words[:4] == ["i", "am", "ok", "but"]
    assert words[4] != "swollen"


def test_the_trained_model_reads_a_new_phrasing_and_survives_saving(tmp_path: Path) -> None:
    model = train_model(read_corpus(write_corpus(tmp_path / "corpus")))
    texts = ["my throat is closing and i cant breathe", "can i wear makeup to the gym"]
    before = model.predict(texts)
    assert [prediction.label for prediction in before] == [EMERGENCY, NONE]
    model.save(tmp_path)
    assert EscalationModel.load(tmp_path).predict(texts) == before


def test_cross_validation_predicts_each_writer_with_a_model_of_the_others(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path)
    write_corpus(folder, "B_batch_01.yml", TINY_CORPUS.replace("writer: A", "writer: B"))
    messages = read_corpus(folder)
    predictions = cross_validate(messages)
    assert len(predictions) == len(messages)
    assert predictions[0].label == EMERGENCY  # writer A's message, predicted by the model of B's same messages


def test_the_nlu_examples_are_calm_unless_their_intent_reports_a_sign():
    examples = [
        ("and scrubs?", "ask_scrubs"),
        ("there's pus", "report_warning_sign"),
        ("cant breathe", "report_emergency"),
    ]
    assert [(m.text, m.label) for m in labelled_intent_examples(examples)] == [
        ("and scrubs?", "none"),
        ("there's pus", "injector"),
        ("cant breathe", "emergency"),
    ]

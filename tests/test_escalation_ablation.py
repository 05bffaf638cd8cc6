"""The escalation ablation table: the lexicon, the learned model and both, on held-out messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scripts.escalation_ablation import ablation_table, remembering

CASES = [
    {"category": "emergency", "expect": "emergency", "text": "my throat is closing"},
    {"category": "present", "expect": "injector", "text": "there is pus"},
    {"category": "present", "expect": "injector", "text": "it smells off"},
    {"category": "negated", "expect": "none", "text": "no pus at all"},
]


def parse(intent: str, signs: list[str], label: str, before: str | None = None) -> dict[str, Any]:
    entities = [{"entity": "warning_sign", "value": sign} for sign in signs]
    model = {"label": label, "confidence": 0.9, "intent_before": before or intent}
    return {"intent": {"name": intent}, "entities": entities, "escalation_model": model}


def test_each_part_is_judged_on_its_own_decision() -> None:
    parses = [
        parse("report_emergency", [], "emergency", before="report_warning_sign"),  # the model raised the guess
        parse("report_warning_sign", ["infection"], "none"),  # the lexicon's sign stands
        parse("report_warning_sign", [], "injector", before="ask_side_effects"),  # only the model read it
        parse("ask_scrubs", [], "injector"),  # the model alone would have alarmed; the rule did not follow it
    ]
    rows = {line.strip().split("  ")[0]: line.split()[-3:] for line in ablation_table(CASES, parses)[2:]}
    assert rows["lexicon alone"] == ["0.0%", "33.3%", "0.0%"]
    assert rows["lexicon + classifier"] == ["0.0%", "66.7%", "0.0%"]
    assert rows["learned alone"] == ["100.0%", "66.7%", "100.0%"]
    assert rows["combined"] == ["100.0%", "100.0%", "0.0%"]


def test_the_remembering_parser_parses_each_text_once() -> None:
    calls: list[list[str]] = []

    def counting(texts: Iterable[str]) -> list[dict[str, Any]]:
        texts = list(texts)
        calls.append(texts)
        return [{"text": text} for text in texts]

    remembered = remembering(counting)
    assert remembered(["a", "b", "a"]) == [{"text": "a"}, {"text": "b"}, {"text": "a"}]
    assert remembered(["b", "c"]) == [{"text": "b"}, {"text": "c"}]
    assert calls == [["a", "b"], ["c"]]

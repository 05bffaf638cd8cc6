"""What each part of the escalation decision catches on held-out messages: the lexicon, the learned model, both.

`ablation_table` takes held-out message cases (tests/held_out/messages*.yml: `category`, `expect`
none | injector | emergency, `text`) and the NLU parse of each, and compares, at the NLU level (the care guide's
time windows, which also escalate in a conversation, are left out):
- lexicon alone: the signs the warning-sign detectors read as present now (`warning_sign` entities);
- lexicon + classifier: the intent before the learned component (the detector lets the classifier's report guess
  stand where it found no sign);
- learned alone: the model's most probable label (parse data `escalation_model`);
- combined: the final intent (aftercare.escalation_rule.combined_escalation).
Emergency recall counts emergencies that reached the emergency number; warning recall, messages that must escalate
that reached either; false alarms, messages that must not escalate that did.
`python -m scripts.eval_components` prints it after its per-file tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from aftercare.escalation import EMERGENCY, INJECTOR, REPORT_INTENTS, report_level
from aftercare.escalation_rule import figures
from aftercare.timestamps import NOW_ENV_VAR

Parser = Callable[[Iterable[str]], list[dict[str, Any]]]
MODEL_KEY = "escalation_model"


def sign_categories(parse: dict[str, Any]) -> list[str]:
    """The categories of the signs read as present now."""
    return [entity.get("value") for entity in parse.get("entities") or [] if entity.get("entity") == "warning_sign"]


def intent_level(intent: str | None, parse: dict[str, Any]) -> str | None:
    """The escalation an intent raises with the message's signs: report_* escalates, anything else does not."""
    return report_level(intent, sign_categories(parse)) if intent in REPORT_INTENTS else None


def decisions(parse: dict[str, Any]) -> dict[str, str | None]:
    """The escalation each part decides for one parse (see the module docstring)."""
    signs = sign_categories(parse)
    model = parse.get(MODEL_KEY) or {}
    final = (parse.get("intent") or {}).get("name")
    label = model.get("label")
    return {
        "lexicon alone": report_level(None, signs) if signs else None,
        "lexicon + classifier": intent_level(model.get("intent_before", final), parse),
        "learned alone": label if label in (EMERGENCY, INJECTOR) else None,
        "combined": intent_level(final, parse),
    }


def ablation_table(cases: Sequence[dict[str, Any]], parses: Sequence[dict[str, Any]]) -> list[str]:
    """The table's lines: per part, emergency recall, warning recall and false alarms over the cases."""
    expected = [None if case["expect"] == "none" else case["expect"] for case in cases]
    decided = [decisions(parse) for parse in parses]
    emergencies = sum(want == EMERGENCY for want in expected)
    warnings = sum(want is not None for want in expected)
    lines = [
        f"Escalation ablation (NLU level): {len(cases)} messages, {emergencies} emergencies, {warnings} must "
        f"escalate, {len(cases) - warnings} must not",
        f"    {'':<22}{'emergency recall':>17}{'warning recall':>16}{'false alarms':>14}",
    ]
    for part in decided[0] if decided else []:
        result = figures(expected, [decision[part] for decision in decided])
        lines.append(
            f"    {part:<22}{result.emergency_recall:>17.1%}{result.warning_recall:>16.1%}{result.false_alarms:>14.1%}"
        )
    return lines


def ablation_of_files(parse: Parser, files: Iterable[Path]) -> list[str]:
    """The table over every case of these held-out message files, each parsed at its file's reference time."""
    cases, parses = [], []
    for path in files:
        held_out = yaml.safe_load(path.read_text(encoding="utf-8"))
        os.environ[NOW_ENV_VAR] = held_out["reference_time"]
        cases += held_out["cases"]
        parses += parse([case["text"] for case in held_out["cases"]])
    return ablation_table(cases, parses)


def remembering(parse: Parser) -> Parser:
    """The parser, remembering each result by text and reference time, so a second pass over a file is free."""
    seen: dict[tuple[str | None, str], dict[str, Any]] = {}

    def remembered(texts: Iterable[str]) -> list[dict[str, Any]]:
        now = os.environ.get(NOW_ENV_VAR)
        texts = list(texts)
        missing = [text for text in dict.fromkeys(texts) if (now, text) not in seen]
        for text, result in zip(missing, parse(missing), strict=True):
            seen[(now, text)] = result
        return [seen[(now, text)] for text in texts]

    return remembered

"""Precision and recall of the two rule-based NLU components on held-out lists the unit tests don't use.

Run from the repository root: `python scripts/eval_components.py` (or `make eval-components`).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.time_expressions import find_procedure_time  # noqa: E402
from components.timestamps import format_timestamp, parse_timestamp  # noqa: E402
from components.warning_signs import detect_warning_signs  # noqa: E402

HELD_OUT = Path("tests/held_out")


def ratio(numerator: int, denominator: int) -> str:
    """A percentage, or n/a when nothing was counted."""
    return f"{numerator / denominator:.1%}" if denominator else "n/a"


def evaluate_procedure_times() -> list[str]:
    """A found time is right only when it equals the expected timestamp."""
    held_out = yaml.safe_load((HELD_OUT / "procedure_times.yml").read_text(encoding="utf-8"))
    now = parse_timestamp(held_out["reference_time"])
    counts, misses = Counter(), []
    for case in held_out["cases"]:
        mention = find_procedure_time(case["text"], now, held_out["timezone"], held_out["date_order"])
        found = format_timestamp(mention.value) if mention else None
        expected = case["expected"]
        counts["found"] += found is not None
        counts["expected"] += expected is not None
        counts["right"] += found is not None and found == expected
        if found != expected:
            misses.append(f"    {case['text']!r}: expected {expected}, got {found}")
    return [
        f"Procedure-time extractor: {len(held_out['cases'])} held-out phrasings, "
        f"precision {ratio(counts['right'], counts['found'])}, recall {ratio(counts['right'], counts['expected'])}",
        *misses,
    ]


def evaluate_warning_signs() -> list[str]:
    """Per category: a message counts once per expected or detected category."""
    held_out = yaml.safe_load((HELD_OUT / "warning_signs.yml").read_text(encoding="utf-8"))
    true_pos, false_pos, false_neg, misses = Counter(), Counter(), Counter(), []
    for case in held_out["cases"]:
        expected = set(case["expected"] or [])
        found = {sign.category for sign in detect_warning_signs(case["text"])}
        for category in found & expected:
            true_pos[category] += 1
        for category in found - expected:
            false_pos[category] += 1
        for category in expected - found:
            false_neg[category] += 1
        if found != expected:
            misses.append(f"    {case['text']!r}: expected {sorted(expected)}, got {sorted(found)}")
    tp, fp, fn = sum(true_pos.values()), sum(false_pos.values()), sum(false_neg.values())
    lines = [
        f"Warning-sign detector: {len(held_out['cases'])} held-out messages, "
        f"precision {ratio(tp, tp + fp)}, recall {ratio(tp, tp + fn)}"
    ]
    for category in sorted(set(true_pos) | set(false_pos) | set(false_neg)):
        tp_c, fp_c, fn_c = true_pos[category], false_pos[category], false_neg[category]
        lines.append(
            f"    {category:<13} precision {ratio(tp_c, tp_c + fp_c):>6}  recall {ratio(tp_c, tp_c + fn_c):>6}"
        )
    return lines + misses


if __name__ == "__main__":
    print("\n".join(evaluate_procedure_times() + evaluate_warning_signs()))

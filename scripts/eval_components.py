"""The rule-based NLU components, and what decides escalation end to end, on held-out lists.

Run from the repository root: `python -m scripts.eval_components [--model models/aftercare.tar.gz]` (or
`make eval-components`). It prints precision and recall of the procedure-time extractor and the warning-sign
detector, then runs every message of tests/held_out/messages*.yml through the trained model's NLU pipeline and the
actions' own turn decision (aftercare/turn.py), prints per-category tables, the escalation ablation (lexicon alone,
learned model alone, combined) and each set's summary, and exits 1 when a gate fails:
- over the tuned sets (MESSAGE_FILES): escalation recall below 100% (an emergency must reach the emergency number),
  false alarms on more than 2% of the messages that must not escalate, procedure-time attribution below 97%;
- over the sets written fresh since (FRESH_FILES, each first run once unseen): their floors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from aftercare.environment import DEFAULTS
from aftercare.escalation import EMERGENCY, REPORT_INTENTS
from aftercare.procedure_time import find_procedure_time
from aftercare.timestamps import NOW_ENV_VAR, format_timestamp, parse_timestamp
from aftercare.turn import Reading, State, decide_turn, is_decided
from aftercare.warning_signs import detect_warning_signs

HELD_OUT = Path("tests/held_out")
# The first set, and three written on 2026-12-02 without looking at the lexicon, the other sets or the training data.
MESSAGE_FILES = tuple(
    HELD_OUT / name for name in ("messages.yml", "messages_fresh.yml", "messages_third.yml", "messages_fourth.yml")
)
# Sets written fresh since, each run once unseen (its header and docs/evaluation.md keep that first run), then gated at
# floors no worse than what they measured after the fixes they prompted.
FRESH_FILES = tuple(
    HELD_OUT / f"messages_{name}.yml"
    for name in (
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twentyfirst",
        "twentysecond",
        "twentythird",
        "twentyfourth",
        "twentyfifth",
        "twentysixth",
        "twentyseventh",
        "twentyeighth",
        "twentyninth",
        "thirtieth",
        "thirtyfirst",
        "thirtysecond",
        "thirtythird",
        "thirtyfourth",
    )
)
FRESH_MIN_EMERGENCY_RECALL = 0.99
FRESH_MIN_WARNING_RECALL = 0.98
FRESH_MAX_FALSE_ALARMS = 0.03
# 95.5% together with the care-topic words of the twenty-third round (91.9% before them).
FRESH_MIN_ON_TOPIC = 0.94
DEFAULT_MODEL = Path(DEFAULTS["MODEL"])
MIN_ESCALATION_RECALL = 1.0
MAX_FALSE_ALARM_RATE = 0.02
MIN_TIME_ATTRIBUTION = 0.97


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


@dataclass(frozen=True)
class Outcome:
    """What one message did: the escalation it raised (None, injector, emergency) and the procedure time it set."""

    escalation: str | None
    procedure_time: str | None
    topics: frozenset[str]
    by_classifier: bool  # escalated on the classifier's report_* guess alone (the detector found no sign)
    # Not escalated, but told the assistant cannot tell whether it is expected, with the clinic's number (the
    # safety net), or asked to rephrase with the number; else a confident answer.
    safety_net: bool = False


Parser = Callable[[Iterable[str]], list[dict[str, Any]]]


def nlu_parser(model: Path) -> Parser:
    """Loads the trained model once, for a function giving its NLU result for each text.

    The result is DIET's and the rule-based components', as the server runs them.
    """
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise Rasa's structlog prints a debug line per parsed message
    agent = Agent.load(str(model))

    def parse(texts: Iterable[str]) -> list[dict[str, Any]]:
        async def parse_all() -> list[dict[str, Any]]:
            return [await agent.parse_message(text) for text in texts]

        return asyncio.run(parse_all())

    return parse


def parse_messages(model: Path, texts: Iterable[str]) -> list[dict[str, Any]]:
    """The trained model's NLU result for each text, loading the model for this call only."""
    return nlu_parser(model)(texts)


def message_outcome(parse: dict[str, Any], stored_time: datetime | None, now: datetime) -> Outcome:
    """What the assistant does with one NLU result: the actions' own decision (aftercare/turn.py: decide_turn).

    The intents the rules send elsewhere (small talk, logistics, forms) never escalate.
    """
    from actions.settings import CLINIC, GUIDE

    reading = Reading.from_parse(parse, GUIDE.topics)
    state = State(procedure_time=stored_time, timezone=CLINIC.timezone)
    decision = decide_turn(reading, state, now, CLINIC, GUIDE) if is_decided(reading.intent) else None
    if decision is None:  # Rasa still fills the slot from a time that can be right (domain.yml)
        set_time = reading.spoken_time
    else:
        set_time = decision.procedure_time
    return Outcome(
        escalation=decision.level if decision else None,
        procedure_time=format_timestamp(set_time) if set_time else None,
        topics=frozenset(decision.answered + decision.waiting) if decision else frozenset(),
        by_classifier=reading.intent in REPORT_INTENTS and not reading.signs,
        safety_net=decision is not None and decision.level is None and _says_to_call(decision),
    )


def _says_to_call(decision: Any) -> bool:
    """Whether a calm turn still tells the patient to call: the safety net, or the rephrase prompt."""
    return decision.symptom_not_placed or any(reply.response == "utter_ask_rephrase" for reply in decision.replies)


def evaluate_messages(parse: Parser, messages: Path) -> tuple[list[str], Counter]:
    """The per-category table for one file of held-out messages, and its totals."""
    held_out = yaml.safe_load(messages.read_text(encoding="utf-8"))
    os.environ[NOW_ENV_VAR] = held_out["reference_time"]
    now = parse_timestamp(held_out["reference_time"])
    cases = held_out["cases"]
    parses = parse([case["text"] for case in cases])
    rows: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for case, parse in zip(cases, parses, strict=True):
        hours = case.get("hours_since_procedure")
        stored = now - timedelta(hours=hours) if hours is not None else None
        outcome = message_outcome(parse, stored, now)
        row = rows[case["category"]]
        row["messages"] += 1
        expected = None if case["expect"] == "none" else case["expect"]
        if expected is None:
            row["must_not"] += 1
            row["false_alarms"] += outcome.escalation is not None
            row["net_false_alarms"] += outcome.by_classifier
        else:
            row["must"] += 1
            reached = outcome.escalation == EMERGENCY if expected == EMERGENCY else outcome.escalation is not None
            row["emergencies"] += expected == EMERGENCY
            row["emergencies_reached"] += expected == EMERGENCY and reached
            row["escalated"] += reached
            row["net_catches"] += reached and outcome.by_classifier
            row["safety_net"] += outcome.escalation is None and outcome.safety_net
            row["confident_misses"] += outcome.escalation is None and not outcome.safety_net
        expected_time = case.get("procedure_time")
        if "procedure_time" in case:  # a set that states no times is not scored on them
            row["times"] += 1
            row["times_right"] += outcome.procedure_time == expected_time
        if "topics" in case:
            row["topics"] += len(case["topics"])
            row["topics_answered"] += len(set(case["topics"]) & outcome.topics)
            row["questions"] += 1
            row["questions_on_topic"] += bool(set(case["topics"]) & outcome.topics) and outcome.escalation is None
        if outcome.escalation != expected or ("procedure_time" in case and outcome.procedure_time != expected_time):
            misses.append(
                f"    [{case['category']}] {case['text']!r}: expected {case['expect']}"
                f"{'' if expected_time is None else ' at ' + expected_time}, got {outcome.escalation or 'none'}"
                f"{'' if outcome.procedure_time is None else ' at ' + outcome.procedure_time}"
                f" (intent {(parse.get('intent') or {}).get('name')})"
            )
    total = sum(rows.values(), Counter())
    lines = [
        f"Messages end to end (NLU pipeline + escalation rule): {total['messages']} held-out messages of {messages}",
        f"    {'category':<22}{'n':>4}  {'escalated':>10}  {'false alarms':>13}  {'time right':>10}  {'topics':>8}",
    ]
    for category, row in [*sorted(rows.items()), ("all", total)]:
        lines.append(
            f"    {category:<22}{row['messages']:>4}  {ratio(row['escalated'], row['must']):>10}  "
            f"{ratio(row['false_alarms'], row['must_not']):>13}  {ratio(row['times_right'], row['times']):>10}  "
            f"{ratio(row['topics_answered'], row['topics']):>8}"
        )
    lines.append(
        f"    Warning signs not escalated: {total['safety_net']} told to call by the safety net or the rephrase "
        f"prompt, {total['confident_misses']} answered confidently without the clinic's number"
    )
    lines.append(
        f"    The classifier's report_* guess where the detector found no sign: caught {total['net_catches']} of "
        f"{total['must']} messages that must escalate, raised {total['net_false_alarms']} of "
        f"{total['false_alarms']} false alarms"
    )
    return lines + misses, total


def summary(total: Counter) -> str:
    """The figures a set is judged by, in one line."""
    return (
        f"emergencies {ratio(total['emergencies_reached'], total['emergencies'])}, "
        f"warning signs {ratio(total['escalated'], total['must'])}, "
        f"false alarms {ratio(total['false_alarms'], total['must_not'])}, "
        f"care questions on their topic {ratio(total['questions_on_topic'], total['questions'])}, "
        f"signs answered confidently {total['confident_misses']}"
    )


def gate_failures(total: Counter) -> list[str]:
    """What fails the gates over the tuned message files together."""
    failures = []
    if total["escalated"] < MIN_ESCALATION_RECALL * total["must"]:
        failures.append(f"escalation recall {ratio(total['escalated'], total['must'])} is below 100%")
    if total["false_alarms"] > MAX_FALSE_ALARM_RATE * total["must_not"]:
        failures.append(f"false alarms {ratio(total['false_alarms'], total['must_not'])} exceed 2%")
    if total["times_right"] < MIN_TIME_ATTRIBUTION * total["times"]:
        failures.append(f"procedure-time attribution {ratio(total['times_right'], total['times'])} is below 97%")
    return failures


def fresh_gate_failures(total: Counter) -> list[str]:
    """What fails the floors of the sets written fresh since (FRESH_FILES): no worse than measured after tuning."""
    failures = []
    floors = (
        ("emergency recall", total["emergencies_reached"], total["emergencies"], FRESH_MIN_EMERGENCY_RECALL),
        ("warning-sign recall", total["escalated"], total["must"], FRESH_MIN_WARNING_RECALL),
        ("care questions on their topic", total["questions_on_topic"], total["questions"], FRESH_MIN_ON_TOPIC),
    )
    for name, count, of, floor in floors:
        if count < floor * of:
            failures.append(f"fresh sets: {name} {ratio(count, of)} is below {floor:.0%}")
    if total["false_alarms"] > FRESH_MAX_FALSE_ALARMS * total["must_not"]:
        failures.append(
            f"fresh sets: false alarms {ratio(total['false_alarms'], total['must_not'])} exceed "
            f"{FRESH_MAX_FALSE_ALARMS:.0%}"
        )
    return failures


def main() -> int:
    """Prints the component figures, the message-level tables and the escalation ablation; 1 when a gate fails."""
    from scripts.escalation_ablation import ablation_of_files, remembering

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the trained model (default: %(default)s)")
    model = parser.parse_args().model
    print("\n".join(evaluate_procedure_times() + evaluate_warning_signs()))
    parse = remembering(nlu_parser(model))
    print(f"NLU pipeline of {model}")
    totals = {}
    for messages in (*MESSAGE_FILES, *FRESH_FILES):
        lines, totals[messages] = evaluate_messages(parse, messages)
        print("\n".join(lines))
    print("\n".join(ablation_of_files(parse, (*MESSAGE_FILES, *FRESH_FILES))))
    tuned = sum((totals[messages] for messages in MESSAGE_FILES), Counter())
    fresh = sum((totals[messages] for messages in FRESH_FILES), Counter())
    print(f"The {tuned['messages']} messages of the tuned sets: {summary(tuned)}")
    print(f"The {fresh['messages']} messages of the {len(FRESH_FILES)} sets written fresh since: {summary(fresh)}")
    for messages in FRESH_FILES:
        print(f"{messages.name}: {summary(totals[messages])}")
    failures = gate_failures(tuned) + fresh_gate_failures(fresh)
    for failure in failures:
        print(f"GATE FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Which way of finding every question of a message covers the held-out two-question messages and follow-ups.

Compares, on the cases of tests/held_out/messages.yml that list `topics`: DIET's single intent; clause-level
classification (DIET on each clause, split at "?", ",", ";", "and", "also", "plus"); and the rule-based topic
words (aftercare/topics.py) with DIET's intent, which the assistant uses. Run from the repository root with the
trained model: `python -m bench.compare_topics`.
"""

from __future__ import annotations

import re

import yaml

from aftercare.topics import find_topics
from scripts.eval_components import DEFAULT_MODEL, HELD_OUT, nlu_parser

CLAUSE_BREAK = re.compile(r"[?,;.!]|\b(?:and|also|plus)\b", re.IGNORECASE)


def intent_topic(parse: dict) -> set[str]:
    """The care topic of a parse's intent, if it is a question about one."""
    name = (parse.get("intent") or {}).get("name") or ""
    return {name[len("ask_") :]} if name.startswith("ask_") else set()


def main() -> None:
    """Prints topic recall and extra topics for each method."""
    cases = yaml.safe_load((HELD_OUT / "messages.yml").read_text(encoding="utf-8"))["cases"]
    cases = [case for case in cases if "topics" in case]
    clauses = [[part.strip() for part in CLAUSE_BREAK.split(case["text"]) if part.strip()] for case in cases]
    parse = nlu_parser(DEFAULT_MODEL)
    whole = parse([case["text"] for case in cases])
    flat = parse([clause for parts in clauses for clause in parts])
    per_clause, index = [], 0
    for parts in clauses:
        per_clause.append(set().union(*(intent_topic(parse) for parse in flat[index : index + len(parts)])))
        index += len(parts)
    methods = {
        "DIET, one intent": [intent_topic(parse) for parse in whole],
        "DIET on each clause": per_clause,
        "topic words + DIET": [
            intent_topic(parse) | {mention.topic for mention in find_topics(case["text"])}
            for case, parse in zip(cases, whole, strict=True)
        ],
    }
    expected = sum(len(case["topics"]) for case in cases)
    for name, found in methods.items():
        right = sum(len(set(case["topics"]) & topics) for case, topics in zip(cases, found, strict=True))
        extra = sum(len(topics - set(case["topics"])) for case, topics in zip(cases, found, strict=True))
        print(f"{name:<20} topics answered {right}/{expected} ({right / expected:.1%}), extra topics {extra}")


if __name__ == "__main__":
    main()

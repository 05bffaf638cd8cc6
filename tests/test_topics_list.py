"""One list of care topics: care_guide.yml. Every place a topic must also be named is checked against it.

`make check-topics` runs this file alone; the README's "Adding a care topic" lists the steps it checks.
"""

from pathlib import Path

import yaml

from scripts.measure_coverage import held_out_messages

GUIDE_TOPICS = list(yaml.safe_load(Path("care_guide.yml").read_text(encoding="utf-8"))["topics"])
DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
FORM_RULE = "a care question during the callback form is answered, then the form goes on"


def rule_intents(path: str, rule_name: str) -> set[str]:
    """The intents of the `or` step of the named rule."""
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["rules"]
    rule = next(rule for rule in rules if rule["rule"] == rule_name)
    return {branch["intent"] for step in rule["steps"] if "or" in step for branch in step["or"]}


def trained_intents() -> set[str]:
    """The intents with training examples in data/nlu."""
    intents = set()
    for path in Path("data/nlu").glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in item:
                intents.add(item["intent"])
    return intents


def places() -> dict[str, set[str]]:
    """Each place a care topic must be named, with the topics named there."""
    topic_words = yaml.safe_load(Path("content/topic_words.yml").read_text(encoding="utf-8"))["topics"]
    not_an_answer = DOMAIN["slots"]["callback_name"]["mappings"][0]["not_intent"]
    coverage = yaml.safe_load(Path("content/topic_confidence.yml").read_text(encoding="utf-8"))["topics"] or {}

    def topics_of(intents) -> set[str]:
        return {intent[len("ask_") :] for intent in intents if intent.startswith("ask_")}

    return {
        "domain.yml intents (ask_<topic>)": topics_of(DOMAIN["intents"]),
        "data/nlu training examples (intent ask_<topic>)": topics_of(trained_intents()),
        "data/rules/questions.yml, the care-question rule": topics_of(
            rule_intents("data/rules/questions.yml", "answer a side-effect or care question from the care guide")
        ),
        "data/rules/callbacks.yml, the care question during the callback form": topics_of(
            rule_intents("data/rules/callbacks.yml", FORM_RULE)
        ),
        "domain.yml, the callback form's not_intent list": topics_of(not_an_answer),
        "content/topic_words.yml, the words that name it": set(topic_words),
        "content/topic_confidence.yml, its confidence threshold (or the default)": set(coverage) | set(GUIDE_TOPICS)
        if "default" in yaml.safe_load(Path("content/topic_confidence.yml").read_text(encoding="utf-8"))
        else set(coverage),
    }


def test_every_care_guide_topic_is_named_everywhere_it_must_be():
    missing = [
        f"care topic {topic!r} is missing from {place}"
        for place, named in places().items()
        for topic in GUIDE_TOPICS
        if topic not in named
    ]
    assert not missing, "\n".join(missing)


def test_no_place_names_a_topic_the_care_guide_does_not_have():
    unknown = [
        f"{place} names {topic!r}, which care_guide.yml does not have"
        for place, named in places().items()
        for topic in sorted(named - set(GUIDE_TOPICS))
    ]
    assert not unknown, "\n".join(unknown)


def test_the_held_out_sets_name_only_known_topics():
    for path in sorted(Path("tests/held_out").glob("messages*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            assert set(case.get("topics") or []) <= set(GUIDE_TOPICS), (path, case["text"])


def test_the_held_out_intent_sets_name_only_known_intents():
    known = set(DOMAIN["intents"])
    for path in (Path("tests/nlu_held_out.yml"), Path("tests/held_out/intents.yml")):
        assert {intent for _, intent in held_out_messages(path)} <= known, path

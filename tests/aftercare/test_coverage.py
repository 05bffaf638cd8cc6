"""A care-topic guess the message does not back up becomes the topic it names, or "not covered"."""

from pathlib import Path

import pytest

from aftercare.coverage import CoverageThresholds, covered_intent, load_thresholds

THRESHOLDS = CoverageThresholds(default=0.6, per_topic={"shaving": 0.9})


@pytest.mark.parametrize(
    ("intent", "confidence", "named", "expected"),
    [
        ("ask_shaving", 0.85, [], "out_of_scope"),  # "laser hair removal on my legs": below shaving's 0.9
        ("ask_shaving", 0.95, [], None),
        ("ask_shaving", 0.55, ["shaving"], None),  # the message names the topic: always answered
        ("ask_hydration", 0.55, ["alcohol"], "ask_alcohol"),  # "a glass of wine?" is about alcohol, not water
        ("ask_makeup", 0.6, [], None),  # the default threshold, reached
        ("ask_makeup", 0.59, [], "out_of_scope"),
        ("report_warning_sign", 0.51, [], None),  # escalation is never the gate's business
        ("clinic_prices", 0.51, [], None),
        ("nlu_fallback", 0.3, [], None),  # unsure and no topic named: the rephrase prompt
        ("nlu_fallback", 0.5, ["redness"], "ask_redness"),  # "my face is still pretty red, normal?"
        ("out_of_scope", 0.98, ["treatments"], "ask_treatments"),  # "can I dye my hair yet?": its words name a topic
        ("out_of_scope", 0.98, [], None),  # "can my dog sleep in my bed"
    ],
)
def test_a_guess_stands_only_when_the_message_or_the_confidence_backs_it(intent, confidence, named, expected):
    assert covered_intent(intent, confidence, named, THRESHOLDS) == expected


def test_the_shipped_thresholds_load_and_name_only_care_guide_topics():
    import yaml

    thresholds = load_thresholds()
    guide = yaml.safe_load(Path("care_guide.yml").read_text(encoding="utf-8"))
    assert 0.5 <= thresholds.default < 1
    assert set(thresholds.per_topic) <= set(guide["topics"])
    assert all(0.5 <= value < 1 for value in thresholds.per_topic.values())


@pytest.mark.parametrize(
    "content", ["topics: {}", "default: 1.5", "default: 0.6\ntopics: {makeup: high}", "default: 0.6\nx: 1"]
)
def test_a_broken_thresholds_file_is_refused_naming_it(tmp_path, content):
    path = tmp_path / "coverage.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="coverage.yml"):
        load_thresholds(path)

"""The gates of make eval-components on counted figures (the evaluation itself needs a trained model)."""

from collections import Counter

from scripts.eval_components import fresh_gate_failures, gate_failures


def counted(**figures) -> Counter:
    base = {"must": 100, "escalated": 100, "must_not": 100, "false_alarms": 0, "times": 0, "times_right": 0}
    base |= {"emergencies": 10, "emergencies_reached": 10, "questions": 10, "questions_on_topic": 10}
    return Counter(base | figures)


def test_one_missed_sign_or_false_alarms_over_2_percent_fail_the_tuned_sets():
    assert gate_failures(counted()) == []
    assert gate_failures(counted(escalated=99)) and gate_failures(counted(false_alarms=3))


def test_the_fresh_sets_fail_below_their_floors():
    assert fresh_gate_failures(counted()) == []
    assert fresh_gate_failures(counted(emergencies_reached=8))
    assert fresh_gate_failures(counted(escalated=80))
    assert fresh_gate_failures(counted(false_alarms=10))
    assert fresh_gate_failures(counted(questions_on_topic=5))

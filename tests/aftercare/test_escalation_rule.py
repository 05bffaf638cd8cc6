"""The rule that combines the lexicon, the classifier's report guess and the learned model."""

from __future__ import annotations

from aftercare.assertion import Assertion
from aftercare.escalation import EMERGENCY, INJECTOR
from aftercare.escalation_model import Prediction
from aftercare.escalation_rule import (
    LexiconReading,
    Thresholds,
    choose_thresholds,
    combined_escalation,
    figures,
    lexicon_reading,
)

THRESHOLDS = Thresholds(nothing_found=0.5, not_now=0.8, emergency=0.5, keep_classifier=0.1)
NOTHING = LexiconReading(sign=None, not_now=frozenset(), classifier=None)
NOT_NOW = LexiconReading(sign=None, not_now=frozenset({"negated"}), classifier=None)


def test_a_sign_the_lexicon_reads_as_present_stands_whatever_the_model_says() -> None:
    calm = Prediction(emergency=0.0, injector=0.01, none=0.99)
    assert combined_escalation(LexiconReading(INJECTOR, frozenset(), None), calm, THRESHOLDS) == INJECTOR
    assert combined_escalation(LexiconReading(EMERGENCY, frozenset(), None), calm, THRESHOLDS) == EMERGENCY


def test_the_model_raises_a_warning_sign_to_an_emergency_only_at_the_emergency_threshold() -> None:
    reading = LexiconReading(INJECTOR, frozenset(), None)
    assert combined_escalation(reading, Prediction(0.5, 0.3, 0.2), THRESHOLDS) == EMERGENCY
    assert combined_escalation(reading, Prediction(0.49, 0.3, 0.21), THRESHOLDS) == INJECTOR


def test_where_the_lexicon_found_nothing_the_model_escalates_from_its_threshold() -> None:
    assert combined_escalation(NOTHING, Prediction(0.1, 0.4, 0.5), THRESHOLDS) == INJECTOR
    assert combined_escalation(NOTHING, Prediction(0.1, 0.39, 0.51), THRESHOLDS) is None
    assert combined_escalation(NOTHING, Prediction(0.6, 0.1, 0.3), THRESHOLDS) == EMERGENCY


def test_the_model_must_be_surer_where_the_lexicon_read_the_sign_as_not_now() -> None:
    assert combined_escalation(NOT_NOW, Prediction(0.1, 0.6, 0.3), THRESHOLDS) is None
    assert combined_escalation(NOT_NOW, Prediction(0.1, 0.75, 0.15), THRESHOLDS) == INJECTOR


def test_the_classifier_guess_stands_unless_the_model_is_sure_nothing_is_wrong() -> None:
    guessed = LexiconReading(sign=None, not_now=frozenset(), classifier=EMERGENCY)
    assert combined_escalation(guessed, Prediction(0.05, 0.1, 0.85), THRESHOLDS) == EMERGENCY
    assert combined_escalation(guessed, Prediction(0.02, 0.07, 0.91), THRESHOLDS) is None


def test_the_lexicon_judged_a_message_of_expected_effects_or_of_signs_not_present_now() -> None:
    assert lexicon_reading("ask_redness", [], []) == NOTHING
    effect_only = lexicon_reading("ask_redness", [], [("effect", Assertion.PRESENT)])
    assert effect_only == LexiconReading(sign=None, not_now=frozenset({"effect"}), classifier=None)
    negated = lexicon_reading("report_warning_sign", [], [("infection", Assertion.NEGATED)])
    assert negated == LexiconReading(sign=None, not_now=frozenset({"negated"}), classifier=INJECTOR)
    present = lexicon_reading("report_emergency", ["infection", "emergency"], [("infection", Assertion.PRESENT)])
    assert present == LexiconReading(sign=EMERGENCY, not_now=frozenset(), classifier=None)


def test_figures_count_recall_per_level_and_false_alarms() -> None:
    result = figures([EMERGENCY, EMERGENCY, INJECTOR, None, None], [EMERGENCY, INJECTOR, EMERGENCY, INJECTOR, None])
    assert (result.emergency_recall, result.warning_recall, result.false_alarms) == (0.5, 1.0, 0.5)
    assert result.over_escalated == 1.0


def test_no_kind_of_calm_message_gets_more_than_one_percent_of_added_false_alarms() -> None:
    # 200 calm questions and 100 negated messages, 1 of them given 0.9 by the model (1% allowed), and 10 warning
    # signs the lexicon misread, given 0.9 as well: the model takes them at that price.
    expected = [None] * 300 + [INJECTOR] * 10
    kinds = ["question"] * 200 + ["negated"] * 100 + ["present"] * 10
    calm, alarming = Prediction(0.0, 0.1, 0.9), Prediction(0.0, 0.9, 0.1)
    predictions = [calm] * 200 + [alarming] + [calm] * 99 + [alarming] * 10
    thresholds, result = choose_thresholds(expected, [NOT_NOW] * 310, predictions, kinds)
    assert result.false_alarms == 1 / 300 and result.warning_recall == 1.0
    predictions[201] = alarming  # a second negated one: 2% of that kind, though 2 / 300 of all calm messages
    thresholds, result = choose_thresholds(expected, [NOT_NOW] * 310, predictions, kinds)
    assert result.false_alarms == 0.0 and thresholds.not_now > 0.9


def test_the_chosen_thresholds_separate_what_the_model_separates() -> None:
    expected = [EMERGENCY, INJECTOR, None, None]
    predictions = [
        Prediction(0.7, 0.2, 0.1),
        Prediction(0.1, 0.62, 0.28),
        Prediction(0.05, 0.3, 0.65),
        Prediction(0, 0, 1),
    ]
    thresholds, result = choose_thresholds(expected, [NOTHING] * 4, predictions, ["present"] * 2 + ["question"] * 2)
    assert (result.emergency_recall, result.warning_recall, result.false_alarms) == (1.0, 1.0, 0.0)
    assert 0.35 < thresholds.nothing_found <= 0.7 and 0.1 < thresholds.emergency <= 0.7


def test_the_model_overrules_a_warning_sign_only_below_the_veto_and_never_an_emergency_sign() -> None:
    vetoing = Thresholds(nothing_found=0.5, not_now=0.8, emergency=0.5, keep_classifier=0.1, veto=0.05)
    sure_nothing = Prediction(emergency=0.01, injector=0.02, none=0.97)
    unsure = Prediction(emergency=0.01, injector=0.05, none=0.94)
    assert combined_escalation(LexiconReading(INJECTOR, frozenset(), None), sure_nothing, vetoing) is None
    assert combined_escalation(LexiconReading(INJECTOR, frozenset(), None), unsure, vetoing) == INJECTOR
    assert combined_escalation(LexiconReading(EMERGENCY, frozenset(), None), sure_nothing, vetoing) == EMERGENCY


def test_each_kind_of_judgement_may_have_its_own_not_now_threshold_and_the_strictest_applies() -> None:
    thresholds = Thresholds(0.5, 0.95, 0.5, 0.1, not_now_by_judgement=(("other_person", 0.6),))
    someone_else = LexiconReading(sign=None, not_now=frozenset({"other_person"}), classifier=None)
    both = LexiconReading(sign=None, not_now=frozenset({"other_person", "negated"}), classifier=None)
    sure_enough = Prediction(0.05, 0.7, 0.25)
    assert combined_escalation(someone_else, sure_enough, thresholds) == INJECTOR
    assert combined_escalation(NOT_NOW, sure_enough, thresholds) is None
    assert combined_escalation(both, sure_enough, thresholds) is None


def test_the_chosen_thresholds_trust_the_model_more_where_a_kind_of_judgement_is_often_wrong() -> None:
    # "Someone else's" judged 20 messages: 10 were really the patient's (a parent writing), and the model says so;
    # 100 negated ones the model agrees with but one, at 0.7.
    someone_else = LexiconReading(sign=None, not_now=frozenset({"other_person"}), classifier=None)
    expected = [INJECTOR] * 10 + [None] * 110
    readings = [someone_else] * 20 + [NOT_NOW] * 100
    predictions = [Prediction(0.0, 0.7, 0.3)] * 10 + [Prediction(0.0, 0.1, 0.9)] * 10
    predictions += [Prediction(0.0, 0.7, 0.3)] + [Prediction(0.0, 0.05, 0.95)] * 99
    kinds = ["present"] * 10 + ["other_person"] * 10 + ["negated"] * 100
    thresholds, result = choose_thresholds(expected, readings, predictions, kinds)
    assert result.warning_recall == 1.0 and result.false_alarms == 0.0
    assert thresholds.not_now_for(["other_person"]) <= 0.7 < thresholds.not_now_for(["negated"])

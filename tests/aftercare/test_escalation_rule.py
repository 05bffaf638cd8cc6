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
NOTHING = LexiconReading(sign=None, judged_not_now=False, classifier=None)
NOT_NOW = LexiconReading(sign=None, judged_not_now=True, classifier=None)


def test_a_sign_the_lexicon_reads_as_present_stands_whatever_the_model_says() -> None:
    calm = Prediction(emergency=0.0, injector=0.01, none=0.99)
    assert combined_escalation(LexiconReading(INJECTOR, False, None), calm, THRESHOLDS) == INJECTOR
    assert combined_escalation(LexiconReading(EMERGENCY, False, None), calm, THRESHOLDS) == EMERGENCY


def test_the_model_raises_a_warning_sign_to_an_emergency_only_at_the_emergency_threshold() -> None:
    reading = LexiconReading(INJECTOR, False, None)
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
    guessed = LexiconReading(sign=None, judged_not_now=False, classifier=EMERGENCY)
    assert combined_escalation(guessed, Prediction(0.05, 0.1, 0.85), THRESHOLDS) == EMERGENCY
    assert combined_escalation(guessed, Prediction(0.02, 0.07, 0.91), THRESHOLDS) is None


def test_the_lexicon_judged_a_message_of_expected_effects_or_of_signs_not_present_now() -> None:
    assert lexicon_reading("ask_redness", [], []) == NOTHING
    effect_only = lexicon_reading("ask_redness", [], [("effect", Assertion.PRESENT)])
    assert effect_only == NOT_NOW
    negated = lexicon_reading("report_warning_sign", [], [("infection", Assertion.NEGATED)])
    assert negated == LexiconReading(sign=None, judged_not_now=True, classifier=INJECTOR)
    present = lexicon_reading("report_emergency", ["infection", "emergency"], [("infection", Assertion.PRESENT)])
    assert present == LexiconReading(sign=EMERGENCY, judged_not_now=False, classifier=None)


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
    assert combined_escalation(LexiconReading(INJECTOR, False, None), sure_nothing, vetoing) is None
    assert combined_escalation(LexiconReading(INJECTOR, False, None), unsure, vetoing) == INJECTOR
    assert combined_escalation(LexiconReading(EMERGENCY, False, None), sure_nothing, vetoing) == EMERGENCY

"""Which assertion statuses escalate, and when the classifier's report_* guess may stand."""

from __future__ import annotations

import pytest

from aftercare.assertion import Assertion, classifier_may_escalate

NOT_NOW = [status for status in Assertion if status not in (Assertion.PRESENT, Assertion.UNCERTAIN)]


def test_only_present_and_uncertain_mentions_escalate() -> None:
    assert {status for status in Assertion if status.escalates} == {Assertion.PRESENT, Assertion.UNCERTAIN}


@pytest.mark.parametrize("emergency_guess", [False, True])
def test_the_classifier_guess_stands_when_the_detector_found_nothing(emergency_guess: bool) -> None:
    assert classifier_may_escalate(emergency_guess, [])


@pytest.mark.parametrize("status", NOT_NOW)
def test_the_classifier_cannot_escalate_signs_that_are_all_not_the_patients_now(status: Assertion) -> None:
    assert not classifier_may_escalate(False, [("infection", status), ("symptom", Assertion.NEGATED)])


def test_something_present_lets_the_guess_stand() -> None:
    assert classifier_may_escalate(False, [("allergy", Assertion.RESOLVED), ("symptom", Assertion.PRESENT)])


def test_an_emergency_guess_is_only_overruled_by_an_emergency_sign_or_symptom_that_is_not_there() -> None:
    assert classifier_may_escalate(True, [("infection", Assertion.NEGATED)])  # "no pus, I can't get air"
    assert not classifier_may_escalate(True, [("symptom", Assertion.NEGATED)])  # "my lips are not swollen"
    assert not classifier_may_escalate(True, [("emergency", Assertion.RESOLVED)])


def test_a_present_symptom_keeps_the_emergency_guess_beside_an_emergency_sign_that_is_not_there() -> None:
    # "my lips aren't swollen but my chest feels weird and sore": the guess may be an emergency the lexicon lacks
    assert classifier_may_escalate(True, [("emergency", Assertion.NEGATED), ("symptom", Assertion.PRESENT)])

"""Which assertion statuses escalate, and when the classifier's report_* guess may stand."""

from __future__ import annotations

import pytest

from aftercare.assertion import Assertion, classifier_may_escalate

NOT_NOW = [status for status in Assertion if status not in (Assertion.PRESENT, Assertion.UNCERTAIN)]


def test_only_present_and_uncertain_mentions_escalate() -> None:
    assert {status for status in Assertion if status.escalates} == {Assertion.PRESENT, Assertion.UNCERTAIN}


def test_the_classifier_guess_stands_when_the_detector_found_nothing() -> None:
    assert classifier_may_escalate([])


@pytest.mark.parametrize("status", NOT_NOW)
def test_the_classifier_cannot_escalate_signs_that_are_all_not_the_patients_now(status: Assertion) -> None:
    assert not classifier_may_escalate([status, Assertion.NEGATED])


def test_one_sign_reported_now_lets_the_guess_stand() -> None:
    assert classifier_may_escalate([Assertion.RESOLVED, Assertion.UNCERTAIN])

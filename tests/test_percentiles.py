"""The load test and the benchmark report the same percentile: nearest rank, always a latency that happened."""

import math

import pytest

from scripts.percentiles import percentile


def test_the_median_of_an_even_count_is_the_lower_middle_value():
    assert percentile([4, 1, 3, 2], 0.5) == 2


def test_p95_of_twenty_values_is_the_nineteenth_smallest():
    assert percentile(list(range(1, 21)), 0.95) == 19


def test_the_maximum_is_p100_and_a_single_value_is_every_percentile():
    assert percentile([5, 9, 7], 1.0) == 9
    assert percentile([0.3], 0.01) == percentile([0.3], 0.99) == 0.3


def test_no_values_give_nan_and_a_share_outside_0_1_is_refused():
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile([1, 2], 50)

"""The one percentile definition of the load test and the benchmark: nearest rank, so a figure is a real latency."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` (0-1] of the values at or below it.

    NaN for no values. E.g. the p50 of [1, 2, 3, 4] is 2 and the p95 of 20 values is the 19th smallest.
    """
    if not values:
        return float("nan")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]

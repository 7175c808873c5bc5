"""Small statistics helpers (no numpy needed in the hot path)."""
from __future__ import annotations

import math
import statistics
from typing import Iterable, List, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q % of values at or below it.

    With 500 messages p99 is the 5th-slowest message, a real observation, not an
    interpolation between two.
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Iterable[float]) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def spread(values: List[float]) -> str:
    """'min–max' of repeated runs, to show how much they agree."""
    if len(values) < 2:
        return ""
    return f"{min(values):.1f}–{max(values):.1f}"

"""How much the benchmark measures (full, --quick, --dev) and the goals it checks.

The sizes live here, apart from the code that uses them, so a run's scale is read and
changed in one place.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

CONCURRENCY_LEVELS = (1, 10, 20, 50)
# The goals' load: the memory soak, the profile and the experiments run at this level.
LOAD_CONCURRENCY = 20


@dataclass(frozen=True)
class Sizes:
    name: str
    warmup_messages: int  # first-use allocations and TensorFlow retracing stay out of figures
    latency_messages: int  # REST webhook and NLU parse, one message at a time, per repeat
    latency_repeats: int
    level_messages: tuple[int, ...]  # per throughput run, one per CONCURRENCY_LEVELS
    load_repeats: int
    soak_messages: int  # REST messages answered in all; above what the earlier phases send
    training_repeats: int
    cold_start_repeats: int  # the main stack's and the baseline experiment's starts count
    cv_folds: int  # 0: no cross-validation
    experiment_messages: int  # per experiment and round: one at a time, then at 20 at once
    profile_messages: int  # at 20 conversations, sampled by py-spy
    long_turns: int  # messages of each long conversation, one at a time
    long_repeats: int  # long conversations per assistant
    mixed_long_turns: int  # the long conversation among MIXED_SHORT short ones


# The fields in order: name, warm-up, latency x repeats, throughput runs x repeats, soak,
# trainings, cold starts, cross-validation folds, experiment round, profile, long
# conversations (turns x repeats), the long conversation of the mixed load.
FULL = Sizes(
    "full", 100, 500, 3, (150, 300, 400, 500), 3, 10_000, 2, 3, 5, 150, 1_000, 200, 3, 500
)
QUICK = Sizes("quick", 30, 200, 1, (60, 120, 200, 250), 1, 2_000, 1, 1, 0, 60, 300, 200, 1, 200)
# For working on the benchmark's own code: every part runs in seconds; figures mean nothing.
DEV = Sizes("dev", 5, 20, 2, (10, 20, 40, 60), 2, 600, 1, 1, 0, 10, 40, 20, 1, 30)

# The long-conversation series: p50 of the turns at these positions (1-based, inclusive),
# pooled over the repeats; a window past a conversation's length is not measured. A long
# conversation repeats LONG_CYCLE messages, so every window holds the same messages.
LONG_CYCLE = 10
LONG_WINDOWS = ((1, 10), (41, 50), (91, 100), (191, 200))
# The mixed load: this many short conversations at once, one after the other, beside
# one long conversation, until the long one ends.
MIXED_SHORT = 19


@dataclass(frozen=True)
class Goal:
    key: str  # the figure's name in benchmark.json "figures"
    label: str
    op: str
    target: float
    unit: str

    def check(self, value: float | None) -> bool | None:
        """True met, False missed, None not measured (a failed part must not read as met)."""
        if value is None or value != value:  # None or NaN
            return None
        return {"<=": operator.le, ">=": operator.ge, "<": operator.lt}[self.op](
            value, self.target
        )


# The targets for one machine running the default profile.
GOALS = (
    Goal("rest_p50_ms", "REST latency p50, 1 conversation", "<=", 25, "ms"),
    Goal("rest_p99_ms", "REST latency p99, 1 conversation", "<=", 80, "ms"),
    Goal("throughput_20", "throughput at 20 conversations", ">=", 60, "msg/s"),
    Goal("errors_20", "errors at 20 conversations", "<=", 0, ""),
    Goal("rss_total_mb", "Rasa + action server RSS (peak)", "<=", 1300, "MB"),
    Goal("rss_drift_pct", "RSS drift over the soak", "<", 10, "%"),
    Goal("rasa_rss_mb", "Rasa server RSS after the soak", "<=", 700, "MB"),
    Goal("rasa_rss_drift_pct", "Rasa server RSS drift over the soak", "<", 5, "%"),
    Goal("long_ratio_100", "long conversation: p50 at turns 91-100 / turns 1-10", "<=", 1.3, "×"),
    Goal("train_full_s", "full training (rasa train --force)", "<=", 120, "s"),
    Goal("cold_start_s", "cold start to first answer", "<=", 25, "s"),
)

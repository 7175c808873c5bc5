"""How much the benchmark measures (full or --quick) and the goals it checks."""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

CONCURRENCY_LEVELS = (1, 10, 20, 50)


@dataclass(frozen=True)
class Sizes:
    name: str
    warmup_messages: int  # sent before any measurement: first-use allocations, TF retracing
    latency_messages: int  # REST, NLU parse and action server, one at a time
    latency_repeats: int
    level_messages: Dict[int, int]  # messages per throughput run, by concurrent conversations
    load_repeats: int
    soak_messages: int  # REST messages through the main stack before the last memory reading
    training_repeats: int  # full training (the goal); NLU-only training runs nlu_training_repeats
    nlu_training_repeats: int
    cold_start_repeats: int  # the main stack's start counts as one
    cv_folds: int  # 0: no cross-validation
    experiments: Tuple[str, ...]  # names in bench/experiments.py
    experiment_latency_messages: int
    experiment_load_messages: int  # at 20 conversations
    profile_messages: int  # at 20 conversations on the main stack, sampled by py-spy


FULL = Sizes(
    name="full",
    warmup_messages=100,
    latency_messages=500,
    latency_repeats=3,
    level_messages={1: 150, 10: 300, 20: 400, 50: 500},
    load_repeats=3,
    soak_messages=10_000,
    training_repeats=2,
    nlu_training_repeats=1,
    cold_start_repeats=3,
    cv_folds=5,
    experiments=("baseline", "without-rasa-fixes", "rasa-sql-tracker-store", "tf-1-thread",
                 "sqlite-synchronous-normal", "in-memory-tracker"),
    experiment_latency_messages=300,  # over 3 rounds
    experiment_load_messages=600,
    profile_messages=1_000,
)

QUICK = Sizes(
    name="quick",
    warmup_messages=30,
    latency_messages=200,
    latency_repeats=1,
    level_messages={1: 60, 10: 120, 20: 200, 50: 250},
    load_repeats=1,
    soak_messages=1_000,
    training_repeats=1,
    nlu_training_repeats=1,
    cold_start_repeats=1,
    cv_folds=0,
    experiments=("in-memory-tracker",),  # compared with the main stack: no time for a baseline stack
    experiment_latency_messages=150,
    experiment_load_messages=200,
    profile_messages=300,
)

# A few seconds per part: for working on the benchmark code itself. Figures are meaningless.
DEV = Sizes(
    name="dev",
    warmup_messages=5,
    latency_messages=20,
    latency_repeats=2,
    level_messages={1: 10, 10: 20, 20: 40, 50: 60},
    load_repeats=2,
    soak_messages=300,
    training_repeats=1,
    nlu_training_repeats=1,
    cold_start_repeats=1,
    cv_folds=0,
    experiments=("baseline", "rasa-sql-tracker-store"),
    experiment_latency_messages=20,
    experiment_load_messages=40,
    profile_messages=40,
)

# --- goals (the targets) ---------------------------------------------------------

OPS: Dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge, "<": operator.lt}


@dataclass(frozen=True)
class Goal:
    key: str  # key of the figure in benchmark.json "figures"
    label: str
    op: str
    target: float
    unit: str

    def check(self, value: Optional[float]) -> Optional[bool]:
        """True met, False missed, None not measured."""
        if value is None or value != value:  # None or NaN
            return None
        return OPS[self.op](value, self.target)

    def describe(self) -> str:
        return f"{self.op} {self.target:g} {self.unit}".strip()


GOALS = (
    Goal("rest_p50_ms", "REST latency p50, 1 conversation", "<=", 25, "ms"),
    Goal("rest_p99_ms", "REST latency p99, 1 conversation", "<=", 80, "ms"),
    Goal("throughput_20", "throughput at 20 conversations", ">=", 60, "msg/s"),
    Goal("errors_20", "errors at 20 conversations", "<=", 0, ""),
    Goal("rss_total_mb", "Rasa + action server RSS (peak)", "<=", 1300, "MB"),
    Goal("rss_drift_pct", "RSS drift over the soak", "<", 10, "%"),
    Goal("train_full_s", "full training (rasa train --force)", "<=", 120, "s"),
    Goal("cold_start_s", "cold start to first answer", "<=", 25, "s"),
)

# "Busy" when other processes kept this many cores busy on average during a run: the
# figures of that run are then pessimistic and the summary says so.
BUSY_OTHER_CORES = 0.25

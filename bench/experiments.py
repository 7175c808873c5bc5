"""The project against stock Rasa: the same assistant started with parts of Rasa as shipped.

Each experiment is a benchmark stack with its own environment; no project file is edited.
All stacks are started first and then measured in turns, the baseline among them, so a slow
spell of a shared machine hits every configuration alike instead of one of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import LoadRun
from bench.serving import BenchStack, ColdStart
from bench.settings import LOAD_CONCURRENCY
from bench.workload import messages
from runtime.settings import ROOT

ROUNDS = 3
WARMUP_MESSAGES = 50

PATCHES = {"PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench' / 'patches'}"}
RASA_SQL_STORE = {"RASA_ENDPOINTS": str(ROOT / "bench" / "endpoints-rasa-sql.yml")}
# The project before its windowed tracker load and its memory cuts: Rasa's own SQL store,
# Rasa's model load and jax imported (bench/patches/sitecustomize.py leaves out only those
# overrides), and the libraries' own thread and arena counts (0: the library decides)
# instead of runtime/settings.py's SERVER_THREADS.
BEFORE_ENV = {
    **PATCHES,
    **RASA_SQL_STORE,
    "BENCH_RASA_OVERRIDES_OFF": "model_load_without_training_step,jax_not_imported",
    "TF_NUM_INTRAOP_THREADS": "0",
    "TF_NUM_INTEROP_THREADS": "0",
    "OMP_NUM_THREADS": "0",
    "MALLOC_ARENA_MAX": "0",
}

# name -> (what differs from the project, the stack's extra environment)
EXPERIMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "baseline": ("the project as it is, measured the same way as the others", {}),
    "without-rasa-overrides": (
        "runtime.rasa_compat.apply() is a no-op (bench/patches/sitecustomize.py): Rasa 3.6's "
        "own action-response validation, action-server timeout and model load (one "
        "training step)",
        PATCHES,
    ),
    "before-windowed-load": (
        "Rasa's own `type: SQL` tracker store on SQLite (bench/endpoints-rasa-sql.yml), "
        "Rasa's model load, jax imported, the libraries' default threads and malloc arenas",
        BEFORE_ENV,
    ),
}


@dataclass
class ExperimentResult:
    name: str
    cold_start: ColdStart | None = None
    sequential: list[LoadRun] = field(default_factory=list)  # one round each
    loaded: list[LoadRun] = field(default_factory=list)
    rss_mb: float = float("nan")  # both servers, after the last round
    overrides: str = "?"  # as the Rasa server logged them
    error: str = ""

    def rounds(self) -> dict[str, list[float]]:
        """Every round's figures: an effect is real only beyond their spread."""
        return {
            "rest_p50_ms": [r.p(50) for r in self.sequential],
            "throughput_20": [r.throughput for r in self.loaded],
            "rasa_cpu_ms": [r.cpu_ms("rasa") for r in self.loaded],
        }


def run_experiments(
    round_messages: int, work: Path, logs: Path, model: Path, log: Callable[[str], None]
) -> list[ExperimentResult]:
    results, stacks = [ExperimentResult(name) for name in EXPERIMENTS], {}
    try:
        for result in results:
            stack = BenchStack(
                f"exp-{result.name}", work, logs, model, **EXPERIMENTS[result.name][1]
            )
            try:
                result.cold_start = stack.start()
            except (RuntimeError, TimeoutError, OSError) as error:
                stack.stop()
                result.error = f"did not start: {error}"
                continue
            stacks[result.name], result.overrides = stack, stack.overrides()
            # a warm-up like the main stack's, so no round pays for first-use costs
            stack.rest("warm-up", 1, WARMUP_MESSAGES, f"warm-{result.name}")
        measured = [result for result in results if result.name in stacks]
        for number in range(ROUNDS):
            for result in measured:
                stack, run_id = stacks[result.name], f"exp-{result.name}-{number}"
                sample = messages(run_id, round_messages, seed=number)  # alike for all
                result.sequential.append(stack.one_at_a_time(sample))
                result.loaded.append(stack.rest("load", LOAD_CONCURRENCY, round_messages, run_id))
                log(f"experiment {result.name}: {result.loaded[-1].throughput:.1f} msg/s")
        for result in measured:
            result.rss_mb = sum(stacks[result.name].rss_mb().values())
    finally:
        for stack in stacks.values():
            stack.stop()
    return results

"""What would change the figures: the same assistant started with different settings.

Each experiment is a stack whose environment differs from the baseline's (scripts/serve.py's
`Stack(extra_env=...)`); no project file is edited. Code changes to Rasa are tried through
bench/patches/sitecustomize.py, put on the experiment's PYTHONPATH only.

All experiment stacks are started first and then measured in turns (round-robin), with
the baseline among them: on a machine shared with other work, a slow minute then hits
every configuration alike instead of making one of them look bad.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from bench import client
from bench.client import LoadRun, median_cpu_ms, median_of
from bench.procs import MB, ROOT
from bench.stack import BenchStack, ColdStart
from bench.stats import median
from bench.workload import turns

PATCHES = f"{ROOT}:{ROOT / 'bench' / 'patches'}"  # PYTHONPATH with bench/patches/sitecustomize.py
LOAD_CONCURRENCY = 20
ROUNDS = 3
WARMUP_MESSAGES = 50


@dataclass(frozen=True)
class Experiment:
    name: str
    what: str
    env: Dict[str, str]


def _patched(variable: str) -> Dict[str, str]:
    return {"PYTHONPATH": PATCHES, variable: "1"}


EXPERIMENTS = {e.name: e for e in (
    Experiment("baseline", "the project as it is, measured the same way as the experiments", {}),
    Experiment("without-rasa-fixes", "Rasa 3.6 as shipped on the action path: channels/rasa_fixes.py not applied "
               "(action responses validated by `jsonschema.validate()` on every call)",
               _patched("BENCH_WITHOUT_PROJECT_FIXES")),
    Experiment("rasa-sql-tracker-store", "Rasa's own SQL tracker store on SQLite instead of "
               "stores/sqlite_tracker_store.py (a connection opened per load and per save, the stored events "
               "counted again at every save, SQLite's default rollback journal)",
               {"RASA_ENDPOINTS": str(ROOT / "bench" / "endpoints-rasa-sql.yml")}),
    Experiment("tf-1-thread", "TF_INTRA_OP_PARALLELISM_THREADS=1, TF_INTER_OP_PARALLELISM_THREADS=1, "
               "OMP_NUM_THREADS=1", {"TF_INTRA_OP_PARALLELISM_THREADS": "1",
                                     "TF_INTER_OP_PARALLELISM_THREADS": "1", "OMP_NUM_THREADS": "1"}),
    Experiment("sqlite-synchronous-normal", "tracker-store SQLite with synchronous=NORMAL (in WAL mode: no fsync "
               "per commit)", _patched("BENCH_SQLITE_NORMAL")),
    Experiment("in-memory-tracker", "Rasa's in-memory tracker store instead of SQLite (a diagnostic of what the "
               "tracker store costs: conversations would not survive a restart)",
               {"RASA_ENDPOINTS": str(ROOT / "bench" / "endpoints-in-memory.yml")}),
)}


@dataclass
class ExperimentResult:
    name: str
    what: str
    env: Dict[str, str]
    cold_start: Optional[ColdStart] = None
    sequential: List[LoadRun] = field(default_factory=list)
    loaded: List[LoadRun] = field(default_factory=list)
    rss_mb: Dict[str, float] = field(default_factory=dict)
    error: str = ""

    def figures(self) -> Dict[str, Any]:
        def rounds(runs: List[LoadRun], metric: Callable[[LoadRun], float]) -> List[float]:
            return [round(metric(r), 2) for r in runs]

        return {
            "name": self.name, "what": self.what, "env": self.env, "error": self.error,
            "cold_start_s": self.cold_start.total if self.cold_start else None,
            "rest_p50_ms": median_of(self.sequential, lambda r: r.p(50)),
            "rest_p90_ms": median_of(self.sequential, lambda r: r.p(90)),
            "rest_p99_ms": median_of(self.sequential, lambda r: r.p(99)),
            "throughput_20": median_of(self.loaded, lambda r: r.throughput),
            "p99_20_ms": median_of(self.loaded, lambda r: r.p(99)),
            "errors_20": sum(r.error_count for r in self.loaded),
            "rasa_cpu_ms_per_msg": median_cpu_ms(self.loaded, "rasa"),
            "actions_cpu_ms_per_msg": median_cpu_ms(self.loaded, "actions"),
            "other_cores": median(r.cpu.other_cores for r in self.loaded + self.sequential if r.cpu),
            "rss_mb": self.rss_mb,
            # every round's value, to tell an effect from the machine's noise
            "rounds": {
                "rest_p50_ms": rounds(self.sequential, lambda r: r.p(50)),
                "throughput_20": rounds(self.loaded, lambda r: r.throughput),
                "rasa_cpu_ms_per_msg": rounds(self.loaded, lambda r: r.cpu.per_message_ms(r.messages)["rasa"]
                                              if r.cpu else float("nan")),
            },
        }


def run_experiments(names: List[str], latency_messages: int, load_messages: int, work: Path, logs: Path,
                    log: Callable[[str], None]) -> List[ExperimentResult]:
    results = [ExperimentResult(n, EXPERIMENTS[n].what, EXPERIMENTS[n].env) for n in names]
    stacks: Dict[str, BenchStack] = {}
    try:
        for result in results:
            stack = BenchStack(f"exp-{result.name}", work, logs, EXPERIMENTS[result.name].env)
            try:
                result.cold_start = stack.start()
                stacks[result.name] = stack
                # a warm-up like the main stack's, so no run pays for first-use costs
                client.sequential(stack.rest_url, turns(f"exp-warm-{result.name}", WARMUP_MESSAGES))
            except (RuntimeError, TimeoutError, OSError) as error:
                stack.stop()
                result.error = f"did not start: {error}"
                log(f"experiment {result.name}: {result.error}")
        for round_number in range(ROUNDS):
            for result in results:
                stack = stacks.get(result.name)
                if stack is None:
                    continue
                _measure(stack, result, round_number, latency_messages // ROUNDS, load_messages // ROUNDS)
                log(f"experiment {result.name} ({round_number + 1}/{ROUNDS}): REST p50 "
                    f"{result.sequential[-1].p(50):.1f} ms, {result.loaded[-1].throughput:.1f} msg/s at "
                    f"{LOAD_CONCURRENCY} conversations")
        for name, stack in stacks.items():
            rss = stack.rss()
            next(r for r in results if r.name == name).rss_mb = {k: v / MB for k, v in rss.items()}
    finally:
        for stack in stacks.values():
            stack.stop()
    return results


def _measure(stack: BenchStack, result: ExperimentResult, round_number: int, latency_messages: int,
             load_messages: int) -> None:
    sample = turns(f"exp-{result.name}-{round_number}", latency_messages, seed=100 + round_number)
    result.sequential.append(stack.measured(lambda: client.sequential(stack.rest_url, sample, "REST webhook")))
    result.loaded.append(stack.measured(lambda: client.concurrent(stack.rest_url, LOAD_CONCURRENCY, load_messages,
                                                                  f"exp-{result.name}-c{round_number}")))

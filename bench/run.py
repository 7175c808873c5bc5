"""Benchmark suite of the mesotherapy assistant: `python -m bench.run [--quick]`.

Measures accuracy, latency, throughput, memory, training time and cold start, checks the
goals, tries alternative settings where a goal is missed, and writes reports/benchmark.md,
reports/benchmark.json and reports/*.png (a complete full run also copies the summary to
docs/benchmark-latest.md). docs/benchmarks.md explains every figure.

Order matters on a 2-core machine: nothing else of ours runs while something is timed.
The only overlap is deliberate: Rasa's test commands (not timed) run while the memory soak
keeps the main stack busy, because the soak is there for memory, not speed.

Every process started here is stopped on exit, Ctrl+C, SIGTERM or error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from bench import diagnostics, report
from bench.accuracy import AccuracyResults, RasaTests, holdout_on_stack
from bench.experiments import run_experiments
from bench.procs import ROOT, load_average, stop_all
from bench.serving import MainStackRun, ServingResults, action_payload, extra_cold_start
from bench.settings import DEV, FULL, QUICK, Sizes
from bench.stack import BenchStack, stop_all_stacks
from bench.training import TrainingResults, measure_training
from scripts.serve import MODEL

REPORTS = ROOT / "reports"
LATEST = ROOT / "docs" / "benchmark-latest.md"


class Benchmark:
    def __init__(self, sizes: Sizes, skip: List[str], reports: Path):
        self.sizes, self.skip, self.reports = sizes, set(skip), reports
        self.logs = reports / "logs"
        self.work = Path(tempfile.mkdtemp(prefix="mesotherapy-bench-"))
        self.began = time.monotonic()
        self.results: Dict[str, Any] = {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "mode": sizes.name, "load_average_start": load_average(), "failures": [], "step_seconds": {},
        }
        self.serving = ServingResults()
        self.training: Optional[TrainingResults] = None
        self.accuracy: Optional[AccuracyResults] = None
        self.experiments: List[Any] = []

    # --- plumbing ---------------------------------------------------------------------------
    def log(self, message: str) -> None:
        elapsed = time.monotonic() - self.began
        print(f"[{int(elapsed // 60):02d}:{int(elapsed % 60):02d}] {message}", flush=True)

    def step(self, name: str, function: Callable[[], None]) -> None:
        """Runs one part; a failure is reported and the other parts still run."""
        if name in self.skip:
            self.log(f"{name}: skipped")
            return
        self.log(f"--- {name}")
        start = time.monotonic()
        try:
            function()
        except Exception as error:  # noqa: BLE001 - reported in the summary, then carry on
            self.results["failures"].append(f"{name}: {type(error).__name__}: {error}")
            self.log(f"{name} FAILED: {error}\n{traceback.format_exc()}")
        finally:
            self.results["step_seconds"][name] = round(time.monotonic() - start, 1)

    # --- the parts ----------------------------------------------------------------------------
    def run(self) -> None:
        shutil.rmtree(self.logs, ignore_errors=True)  # the servers append to their logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.step("training", self.measure_training)
        self.step("serving", self.measure_serving)
        self.step("experiments", self.measure_experiments)
        self.step("cold start", self.measure_cold_starts)

    def measure_training(self) -> None:
        self.training = measure_training(self.sizes.training_repeats, self.sizes.nlu_training_repeats,
                                         self.work, self.logs, self.log)

    def measure_serving(self) -> None:
        """Main stack: latency, throughput, then the memory soak with Rasa's tests alongside."""
        stack = BenchStack("main", self.work, self.logs)
        main = MainStackRun(stack, self.sizes, self.log)
        self.serving = main.results
        rasa_tests = RasaTests(self.work, self.logs, self.reports, self.sizes.cv_folds, self.log)
        with_accuracy = "accuracy" not in self.skip
        tests_started = False
        try:
            main.start()
            main.warm_up()
            self.diagnose(stack)
            if with_accuracy:
                rasa_tests.results.holdout = holdout_on_stack(stack)
                self.log("held-out set scored through /model/parse")
            main.latency()
            main.throughput()
            main.profile(self.reports / "rasa-profile.txt")
            if with_accuracy:
                rasa_tests.start_in_background()
                tests_started = True
            main.soak(rasa_tests.describe() if tests_started else "")
        except KeyboardInterrupt:
            with_accuracy = False  # cleanup() ends their processes; do not wait for them
            raise
        finally:
            stack.stop()
            if with_accuracy:
                if not tests_started:  # the stack failed early: Rasa's tests do not need it
                    rasa_tests.run_all()
                self.log("waiting for Rasa's test commands...")
                self.accuracy = rasa_tests.wait()

    def diagnose(self, stack: BenchStack) -> None:
        """Two costs inside a turn that the end-to-end figures cannot separate: validating an
        action response, and committing a turn to SQLite."""
        response = diagnostics.action_response(stack.action_url, action_payload(0))
        self.results["probe"] = diagnostics.project_probe(response)
        self.results["sqlite_commit"] = diagnostics.sqlite_commit_cost(self.work)

    def measure_experiments(self) -> None:
        self.experiments = run_experiments(list(self.sizes.experiments), self.sizes.experiment_latency_messages,
                                           self.sizes.experiment_load_messages, self.work, self.logs, self.log)
        # The baseline experiment started the project as it is, alone: a cold start like any other.
        baseline = next((e for e in self.experiments if e.name == "baseline" and e.cold_start), None)
        if baseline:
            self.serving.cold_starts.append(baseline.cold_start)

    def measure_cold_starts(self) -> None:
        """Starts more stacks (no load) until there are `cold_start_repeats` cold starts."""
        number = len(self.serving.cold_starts)
        while number < self.sizes.cold_start_repeats:
            number += 1
            cold = extra_cold_start(BenchStack(f"cold-start-{number}", self.work, self.logs))
            self.serving.cold_starts.append(cold)
            self.log(f"cold start {number}/{self.sizes.cold_start_repeats}: {cold.total:.1f} s")

    # --- output -----------------------------------------------------------------------------
    def write(self, interrupted: bool) -> Path:
        self.results.update(
            interrupted=interrupted,
            duration_s=round(time.monotonic() - self.began, 1),
            load_average_end=load_average(),
        )
        summary = report.write_all(self.reports, self.sizes, self.results, self.serving, self.training,
                                   self.accuracy, self.experiments)
        # Only a complete, successful full run replaces the summary the README links to.
        complete = not interrupted and self.sizes is FULL and not self.skip and not self.results["failures"]
        if complete:
            report.copy_for_docs(summary, LATEST)
        return summary

    def cleanup(self) -> None:
        stop_all_stacks()
        stop_all()
        shutil.rmtree(self.work, ignore_errors=True)


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM behaves like Ctrl+C: unwind through every `finally`, which stops the processes.
    raise KeyboardInterrupt


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller run (about 5 minutes): 1,000-message soak, "
                        "one training, no cross-validation, one experiment")
    parser.add_argument("--dev", action="store_true", help="tiny run to test the benchmark code (figures meaningless)")
    parser.add_argument("--skip", action="append", default=[], choices=["training", "accuracy", "cold start",
                        "experiments"], help="leave a part out (repeatable); the docs copy is then not updated")
    parser.add_argument("--out", type=Path, default=REPORTS, help="where to write the reports (default: reports/)")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not MODEL.exists():
        print(f"No model at {MODEL}: run `make train` first.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    sizes = DEV if args.dev else QUICK if args.quick else FULL
    bench = Benchmark(sizes, args.skip, args.out)
    bench.log(f"benchmark ({bench.sizes.name}) starting; logs in {bench.logs}")
    interrupted = False
    try:
        bench.run()
    except KeyboardInterrupt:
        interrupted = True
        bench.log("interrupted: stopping everything")
    finally:
        bench.cleanup()
    try:
        summary = bench.write(interrupted)
        bench.log(f"summary: {summary}")
    except KeyboardInterrupt:
        return 130
    if interrupted:
        return 130
    return 1 if bench.results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

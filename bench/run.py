"""Benchmark of the mesotherapy assistant: `python -m bench.run [--quick | --dev]`.

Accuracy, latency, throughput, memory, training time and cold start, long conversations
(against Rasa's own starter bot), the goals, and the project against stock Rasa, in
reports/benchmark.md and reports/benchmark.json (a complete full run also copies the
summary to docs/benchmark-latest.md; docs/benchmarks.md explains it). The parts run one
after the other: two at once would compete for the same cores.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import report
from bench.accuracy import AccuracyResults, dev_set_on_stack, rasa_tests, red_flags_on_stack
from bench.experiments import BEFORE_ENV, ExperimentResult, run_experiments
from bench.long import (
    BEFORE,
    PROJECT,
    STOCK,
    Assistant,
    LongResults,
    measure_long,
    measure_stock_bot,
)
from bench.procs import MB, CommandResult, bench_env, run_command
from bench.serving import BenchStack, ServingResults, measure_main_stack
from bench.settings import DEV, FULL, QUICK, Sizes
from bench.workload import SCRIPTS
from runtime.settings import MODEL, ROOT, VENV_BIN

REPORTS = ROOT / "reports"
LATEST = ROOT / "docs" / "benchmark-latest.md"
PARTS = ("training", "accuracy", "experiments", "cold start", "long")
# Every part in the order it runs; `--only` names one of them.
ALL_PARTS = ("training", "serving", "long", "accuracy", "experiments", "cold start")


class Benchmark:
    def __init__(self, sizes: Sizes, skip: list[str], reports: Path, model: Path):
        self.sizes, self.skip, self.reports, self.model = sizes, set(skip), reports, model
        self.logs = reports / "logs"
        self.work = Path(tempfile.mkdtemp(prefix="mesotherapy-bench-"))
        self.began = time.monotonic()
        self.results: dict[str, Any] = {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "failures": [],
        }
        self.serving = ServingResults()
        self.training: list[CommandResult] = []  # one per `rasa train`
        self.model_mb = float("nan")
        self.accuracy: AccuracyResults | None = None
        self.experiments: list[ExperimentResult] = []
        self.long: list[LongResults] = []  # the project's, before, the stock bot's

    def log(self, message: str) -> None:
        minutes, seconds = divmod(int(time.monotonic() - self.began), 60)
        print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)

    def step(self, name: str, function: Callable[[], None]) -> None:
        """Runs one part; a failure is reported and the other parts still run."""
        if name in self.skip:
            return
        self.log(f"--- {name}")
        try:
            function()
        except Exception as error:  # reported in the summary, then carry on
            self.results["failures"].append(f"{name}: {type(error).__name__}: {error}")
            self.log(f"{name} FAILED: {error}\n{traceback.format_exc()}")

    def run(self) -> None:
        shutil.rmtree(self.logs, ignore_errors=True)  # the servers append to their logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.step("training", self.measure_training)
        self.step("serving", self.measure_serving)
        self.step("long", self.measure_long)
        self.step("accuracy", self.measure_accuracy)
        self.step("experiments", self.measure_experiments)
        self.step("cold start", self.measure_cold_starts)

    def measure_training(self) -> None:
        """`rasa train --force` into a temporary directory (models/ is never touched), with
        an empty RASA_CACHE_DIRECTORY: Rasa would otherwise reuse cached components from an
        earlier run and time almost nothing."""
        for number in range(self.sizes.training_repeats):
            out = self.work / f"train-{number}"
            args = [str(VENV_BIN / "rasa"), "train", "--force", "--out", str(out)]
            env = bench_env(RASA_CACHE_DIRECTORY=str(out / "cache"))
            result = run_command(
                [*args, "--fixed-model-name", "bench"], self.logs / f"train-{number}.log", 900, env
            )
            if result.returncode != 0:
                raise RuntimeError(f"rasa train: exit code {result.returncode}, see {self.logs}")
            self.training.append(result)
            self.model_mb = (out / "bench.tar.gz").stat().st_size / MB
            self.log(f"training: {result.seconds:.1f} s")

    def measure_serving(self) -> None:
        """The main stack: latency, throughput, profile, memory soak, then the dev set."""
        stack = BenchStack("main", self.work, self.logs, self.model)
        try:
            profile = self.reports / "rasa-profile.txt"
            measure_main_stack(stack, self.sizes, self.serving, profile, self.log)
            if "accuracy" not in self.skip:
                self.accuracy = AccuracyResults(
                    dev_set=dev_set_on_stack(stack), red_flags=red_flags_on_stack(stack)
                )
        finally:
            stack.stop()

    def measure_long(self) -> None:
        """Long conversations and the mixed load: the project, then the project before its
        windowed load, each on a stack of its own (so the main stack's memory soak counts
        only its own messages), then the stock bot."""
        for name, env in ((PROJECT, {}), (BEFORE, BEFORE_ENV)):
            self.long.append(LongResults(name))
            stack = BenchStack(
                f"long-{name.replace(' ', '-')}", self.work, self.logs, self.model, **env
            )
            try:
                stack.start()
                stack.rest("warm-up", 1, self.sizes.warmup_messages, f"warm-{name}")
                assistant = Assistant(name, stack.rest_url, stack.rasa_mb, stack.cpu, SCRIPTS)
                measure_long(assistant, self.sizes, self.log, self.long[-1])
            finally:
                stack.stop()
        self.long.append(LongResults(STOCK))
        measure_stock_bot(self.work, self.logs, self.sizes, self.log, self.long[-1])

    def measure_accuracy(self) -> None:
        measured = self.accuracy
        folds, work, logs = self.sizes.cv_folds, self.work, self.logs
        self.accuracy = rasa_tests(self.model, folds, work, logs, self.reports, self.log)
        if measured is not None:
            self.accuracy.dev_set = measured.dev_set
            self.accuracy.red_flags = measured.red_flags
        self.results["failures"] += self.accuracy.failures

    def measure_experiments(self) -> None:
        self.experiments = run_experiments(
            self.sizes.experiment_messages, self.work, self.logs, self.model, self.log
        )
        # The baseline is the project started alone: a cold start like any other.
        baseline = self.experiments[0].cold_start
        self.serving.cold_starts += [baseline] if baseline else []

    def measure_cold_starts(self) -> None:
        """Starts more stacks (no load) until there are `cold_start_repeats` cold starts."""
        while (number := len(self.serving.cold_starts)) < self.sizes.cold_start_repeats:
            stack = BenchStack(f"cold-start-{number + 1}", self.work, self.logs, self.model)
            try:
                self.serving.cold_starts.append(stack.start())
            finally:
                stack.stop()
            self.log(f"cold start: {self.serving.cold_starts[-1].first_answer:.1f} s")

    def write(self, interrupted: bool) -> Path:
        self.results["interrupted"] = interrupted
        self.results["duration_s"] = round(time.monotonic() - self.began, 1)
        # Only a complete, successful full run of the served model replaces the docs' copy.
        complete = not (interrupted or self.skip or self.results["failures"])
        latest = complete and self.sizes is FULL and self.model == MODEL
        return report.write_all(self, LATEST if latest else None)


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM behaves like Ctrl+C: unwinding through every `finally` stops the processes.
    raise KeyboardInterrupt


def skipped(only: str | None, skip: list[str]) -> list[str]:
    """The parts left out: every part but `--only`'s, or those named by `--skip`."""
    return [part for part in ALL_PARTS if part != only] if only else skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m bench.run", description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller samples, one training, no CV")
    size.add_argument("--dev", action="store_true", help="a tiny run to test the benchmark code")
    parser.add_argument("--skip", action="append", default=[], choices=PARTS, help="repeatable")
    parser.add_argument(
        "--only", choices=ALL_PARTS, help="run this part alone (e.g. `--only long`)"
    )
    parser.add_argument("--out", type=Path, default=REPORTS, help="default: reports/")
    parser.add_argument("--model", type=Path, default=MODEL, help="default: the served model")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"No model at {args.model}: run `make train` first.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    sizes = DEV if args.dev else QUICK if args.quick else FULL
    bench = Benchmark(
        sizes, skipped(args.only, args.skip), args.out.resolve(), args.model.resolve()
    )
    bench.log(f"benchmark ({sizes.name}) starting; logs in {bench.logs}")
    interrupted = False
    try:
        bench.run()
    except KeyboardInterrupt:
        interrupted = True
        bench.log("interrupted: stopping everything")
    finally:  # every stack and command was stopped by its own `finally`
        shutil.rmtree(bench.work, ignore_errors=True)
    bench.log(f"summary: {bench.write(interrupted)}")
    return 130 if interrupted else 1 if bench.results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

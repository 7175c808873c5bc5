"""Long conversations: what a turn costs as a conversation grows, for the project, the
project before its windowed tracker load (bench/experiments.py BEFORE_ENV) and Rasa's own
starter bot (`rasa init`), measured the same way in the same run.

The series: long conversations, one message at a time (no other load), and the p50 of the
turns at the positions of bench/settings.py LONG_WINDOWS. The mixed load: one patient who
keeps asking (a long conversation) among MIXED_SHORT patients with short ones, until the
long one ends: a long conversation must not slow everyone.

The reference is the stock bot as `rasa init --no-prompt` creates and trains it (the
moodbot: Rasa's default pipeline, Memoization, Rule, UnexpecTED and TED policies), served
by `rasa run` with its own endpoints.yml (Rasa's in-memory tracker store) and credentials
(Rasa's REST channel), in a temporary folder; it needs no download and no action server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import requests

from bench.client import LoadRun, measured, median, run_load, run_mixed, window_p50
from bench.procs import MB, group_cpu_seconds, group_rss, run_command
from bench.settings import LONG_WINDOWS, MIXED_SHORT, Sizes
from bench.workload import STOCK_SCRIPTS, conversations, long_conversation
from runtime.settings import HOST, RASA_ENV, VENV_BIN
from runtime.stack import free_port, private_dir, wait_for

PROJECT, BEFORE, STOCK = "project", "project before", "stock rasa init"


@dataclass
class LongResults:
    """One assistant's long-conversation figures."""

    name: str
    runs: list[LoadRun] = field(default_factory=list)  # one long conversation each
    mixed_short: LoadRun | None = None
    mixed_long: LoadRun | None = None
    rss_mb: float = float("nan")  # the Rasa server, after these runs
    training_s: float = float("nan")  # the stock bot's `rasa init` (with its training)

    def windows(self) -> dict[str, float]:
        """p50 ms of the turns at each of LONG_WINDOWS's positions."""
        return {f"{a}–{b}": window_p50(self.runs, a, b) for a, b in LONG_WINDOWS}

    def ratio(self, first: int, last: int) -> float:
        """p50 at turns first..last over p50 at turns 1-10."""
        start = window_p50(self.runs, *LONG_WINDOWS[0])
        return window_p50(self.runs, first, last) / start if start else float("nan")

    @property
    def other_cores(self) -> float:
        """Cores other processes kept busy during the runs (median): a busy machine slows
        every turn alike, so the ratios stay comparable."""
        runs = [*self.runs, *([self.mixed_short] if self.mixed_short else [])]
        return median(run.other_cores for run in runs)


@dataclass
class Assistant:
    """A running assistant as the long-conversation part drives it."""

    name: str
    url: str  # its REST webhook
    rasa_rss_mb: Callable[[], float]
    cpu_groups: Callable[[], dict[str, float]]  # CPU seconds of its process groups
    scripts: list[list[str]]  # conversations in the words it was trained on


def measure_long(
    assistant: Assistant, sizes: Sizes, log: Callable[[str], None], out: LongResults
) -> None:
    """The long-conversation series, then the mixed load, on one running assistant; `out`
    keeps what was measured if a step fails."""
    name, url, scripts = assistant.name, assistant.url, assistant.scripts
    for number in range(sizes.long_repeats):
        turns = long_conversation(f"{name}-{number}", sizes.long_turns, scripts, seed=number)
        load = partial(run_load, url, [turns], f"long conversation {number + 1}")
        out.runs.append(measured(assistant.cpu_groups, load))
    log(f"{name}: p50 by turn " + ", ".join(f"{k}: {v:.1f} ms" for k, v in out.windows().items()))
    long = long_conversation(f"{name}-mixed", sizes.mixed_long_turns, scripts, seed=99)
    short = conversations(f"{name}-mixed", scripts=scripts)
    runs: list[LoadRun] = []

    def mixed() -> LoadRun:
        runs.extend(run_mixed(url, long, short, MIXED_SHORT))
        return runs[0]

    out.mixed_short = measured(assistant.cpu_groups, mixed)
    out.mixed_long = runs[1]
    log(
        f"{name}: mixed load, short conversations p50 {out.mixed_short.p(50):.0f} ms, "
        f"p99 {out.mixed_short.p(99):.0f} ms; the long one p50 {out.mixed_long.p(50):.0f} ms"
    )
    out.rss_mb = assistant.rasa_rss_mb()


def stock_env() -> dict[str, str]:
    """Rasa as shipped: none of the project's environment (RASA_ENV) or overrides."""
    env = dict(os.environ)
    for name in (*RASA_ENV, "RASA_ENDPOINTS", "RASA_CREDENTIALS"):
        env.pop(name, None)  # `make bench` exports the project's environment
    env.update(  # only what keeps Rasa quiet
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    return env


class StockBot:
    """`rasa init --no-prompt` in a folder of `work`, trained there and served by `rasa run`
    on a free loopback port, in its own process group."""

    def __init__(self, work: Path, logs: Path):
        self.folder, self.logs = work / "stock-bot", logs / "stock-bot"
        self.port = free_port()
        self.rest_url = f"http://{HOST}:{self.port}/webhooks/rest/webhook"
        self.process: subprocess.Popen | None = None

    def create_and_train(self) -> float:
        """`rasa init --no-prompt` creates the project and trains its model: seconds."""
        private_dir(self.folder)
        args = [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(self.folder)]
        result = run_command(args, self.logs / "init.log", 1800, stock_env())
        if result.returncode != 0 or not list((self.folder / "models").glob("*.tar.gz")):
            raise RuntimeError(f"rasa init: exit code {result.returncode}, see {self.logs}")
        return result.seconds

    def start(self, timeout: float = 900) -> None:
        # Its model load trains TED, UnexpecTED and DIET one step each: minutes on a busy host.
        private_dir(self.logs)
        args = [str(VENV_BIN / "rasa"), "run", "--model", "models", "--interface", HOST]
        args += ["--port", str(self.port), "--endpoints", "endpoints.yml"]
        args += ["--credentials", "credentials.yml"]
        with open(self.logs / "rasa.log", "ab") as log:
            self.process = subprocess.Popen(
                args,
                cwd=self.folder,
                env=stock_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(f"http://{HOST}:{self.port}/webhooks/rest/", timeout, self.process)
        reply = requests.post(self.rest_url, json={"sender": str(uuid.uuid4()), "message": "hi"})
        if reply.status_code != 200 or not reply.json():
            raise RuntimeError("the stock bot did not answer its first message")

    def assistant(self) -> Assistant:
        pid = self.process.pid if self.process else 0
        return Assistant(
            STOCK,
            self.rest_url,
            lambda: group_rss(pid) / MB,
            lambda: {"rasa": group_cpu_seconds(pid)},
            STOCK_SCRIPTS,
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)  # its own process group, by id
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def measure_stock_bot(
    work: Path, logs: Path, sizes: Sizes, log: Callable[[str], None], out: LongResults
) -> None:
    bot = StockBot(work, logs)
    try:
        out.training_s = bot.create_and_train()
        log(f"{STOCK}: created and trained in {out.training_s:.0f} s")
        bot.start()
        warmup = conversations("stock-warmup", scripts=STOCK_SCRIPTS)
        run_load(bot.rest_url, warmup, "warm-up", 1, sizes.warmup_messages)
        measure_long(bot.assistant(), sizes, log, out)
    finally:
        bot.stop()


def summary(results: list[LongResults]) -> dict[str, float]:
    """The figures the report and the goals read, by name (NaN when not measured)."""
    by_name = {r.name: r for r in results}
    figures: dict[str, float] = {}
    for prefix, name in (("long", PROJECT), ("before_long", BEFORE), ("stock_long", STOCK)):
        r = by_name.get(name, LongResults(name))
        for a, b in LONG_WINDOWS:
            figures[f"{prefix}_p50_{a}_{b}"] = window_p50(r.runs, a, b)
        figures[f"{prefix}_ratio_100"] = r.ratio(91, 100)
        short = r.mixed_short
        figures[f"{prefix}_mixed_short_p50"] = short.p(50) if short else float("nan")
        figures[f"{prefix}_mixed_short_p99"] = short.p(99) if short else float("nan")
        figures[f"{prefix}_rss_mb"] = r.rss_mb
    return figures

"""The assistant as the benchmark runs it, and everything measured on one running stack.

A benchmark stack is what `make run` starts (runtime.stack's `Stack`, so the Rasa server
runs with the project's overrides), on free ports, with its own tracker store in a temporary
directory, its logs in reports/logs/<name>/, no rate limits (one client sends thousands of
messages) and Rasa's HTTP API behind a random JWT secret, so `/model/parse` can time NLU.
Every REST message the main stack answers counts toward the memory soak; memory is read
between phases, so a leak shows as memory rising with messages answered.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jwt
import requests

from bench.client import LoadRun, measured, parse_error, run_load
from bench.procs import MB, group_cpu_seconds, group_rss
from bench.profile import Profile, profile_under_load
from bench.settings import CONCURRENCY_LEVELS, LOAD_CONCURRENCY, Sizes
from bench.workload import conversations, messages
from runtime.settings import HOST
from runtime.stack import Stack, free_port

NO_RATE_LIMITS = {"BOT_RATE_LIMIT_PER_IP": "0/60", "BOT_RATE_LIMIT_PER_SENDER": "0/60"}
# runtime/rasa_server.py writes this line to the server log when it starts.
OVERRIDES_LINE = "rasa_compat.applied overrides="


@dataclass
class ColdStart:
    """Seconds from spawning the processes, started in the order `make run` starts them."""

    action_server_ready: float
    rasa_ready: float  # the REST webhook answers GET: the model is loaded
    first_answer: float  # the first reply through the REST webhook


class BenchStack:
    def __init__(self, name: str, work: Path, logs: Path, model: Path, **env: str):
        self.name, self.jwt_secret = name, secrets.token_hex(32)
        work.mkdir(parents=True, exist_ok=True)
        api = {"RASA_ENABLE_API": "1", "RASA_JWT_SECRET": self.jwt_secret}
        self.stack = Stack(
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            tracker_db=work / f"{name}-tracker.db",
            log_dir=logs / name,
            model=model,
            extra_env={**NO_RATE_LIMITS, **api, **env},
        )
        self.rest_url = self.stack.rest_url
        self.parse_url = f"http://{HOST}:{self.stack.rasa_port}/model/parse"
        claims = {"user": {"username": "bench", "role": "admin"}}
        token = jwt.encode(claims, self.jwt_secret, algorithm="HS256")
        self.auth_headers = {"Authorization": f"Bearer {token}"}

    def start(self) -> ColdStart:
        """Starts both servers as `make run` does and times the way to the first answer."""
        begin = time.monotonic()
        self.stack.start_action_server(timeout=120)
        action_ready = time.monotonic() - begin
        self.stack.start_rasa(timeout=240)
        rasa_ready = time.monotonic() - begin
        message = {"sender": str(uuid.uuid4()), "message": "hi"}
        reply = requests.post(self.rest_url, json=message, timeout=60)
        if reply.status_code != 200 or not reply.json():
            raise RuntimeError(f"stack {self.name}: no answer to the first message")
        return ColdStart(action_ready, rasa_ready, time.monotonic() - begin)

    def stop(self) -> None:
        self.stack.stop()

    def overrides(self) -> str:
        """The Rasa overrides the server logged as applied: what an experiment really ran."""
        log = self.stack.log_dir / "rasa.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        found = [ln for ln in text.splitlines() if ln.startswith(OVERRIDES_LINE)]
        return (found[-1].removeprefix(OVERRIDES_LINE) or "none") if found else "?"

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the Rasa server and the action server, each with its group."""
        return {name: group_rss(p.pid) / MB for name, p in self.stack.processes.items()}

    def rasa_mb(self) -> float:
        return self.rss_mb()["rasa"]

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of each server's process group."""
        return {n: group_cpu_seconds(p.pid) for n, p in self.stack.processes.items()}

    def measured(self, load: Callable[[], LoadRun]) -> LoadRun:
        """Runs a load and records the CPU each server, the client and the rest used."""
        return measured(self.cpu, load)

    def rest(self, label: str, concurrency: int, total: int, run_id: str) -> LoadRun:
        """`total` messages of fresh conversations through the REST webhook."""
        url, load = self.rest_url, conversations(run_id)
        return self.measured(lambda: run_load(url, load, label, concurrency, total))

    def one_at_a_time(self, sample: list[dict[str, str]]) -> LoadRun:
        """Each message after the previous reply: latency without any queueing."""
        return self.measured(lambda: run_load(self.rest_url, [sample], "REST webhook"))

    def nlu(self, texts: list[str], check: Callable[[Any], str | None] = parse_error) -> LoadRun:
        """`POST /model/parse`, one text at a time: the NLU pipeline alone."""
        url, headers, payloads = self.parse_url, self.auth_headers, [{"text": t} for t in texts]
        return self.measured(
            lambda: run_load(url, [payloads], "NLU", check=check, headers=headers)
        )


@dataclass
class MemorySample:
    phase: str
    messages: int  # REST messages the stack has answered so far
    rasa_mb: float
    actions_mb: float


@dataclass
class ServingResults:
    cold_starts: list[ColdStart] = field(default_factory=list)
    rest: list[LoadRun] = field(default_factory=list)
    nlu: list[LoadRun] = field(default_factory=list)
    levels: dict[int, list[LoadRun]] = field(default_factory=dict)
    soak: list[LoadRun] = field(default_factory=list)
    memory: list[MemorySample] = field(default_factory=list)
    profile: Profile | None = None


def measure_main_stack(
    stack: BenchStack,
    sizes: Sizes,
    out: ServingResults,
    profile_file: Path,
    log: Callable[[str], None],
) -> None:
    """The whole sequence on one stack; `out` keeps what was measured if a step fails."""
    answered = 0

    def remember(phase: str, *runs: LoadRun) -> None:
        nonlocal answered
        answered += sum(run.messages for run in runs)
        rss = stack.rss_mb()
        out.memory.append(MemorySample(phase, answered, rss["rasa"], rss["actions"]))

    out.cold_starts.append(stack.start())
    answered = 1  # the cold start's greeting
    remember("after start")
    remember("after warm-up", stack.rest("warm-up", 1, sizes.warmup_messages, "warmup"))

    # One message at a time: REST and NLU alone interleaved per repeat, so a slow spell of
    # a shared machine hits both alike.
    for repeat in range(sizes.latency_repeats):
        sample = messages(f"latency{repeat}", sizes.latency_messages, seed=repeat)
        out.rest.append(stack.one_at_a_time(sample))
        out.nlu.append(stack.nlu([m["message"] for m in sample]))
        log(f"latency: REST p50 {out.rest[-1].p(50):.1f} ms, NLU p50 {out.nlu[-1].p(50):.1f} ms")
    remember("after latency runs", *out.rest)

    for repeat in range(sizes.load_repeats):
        for level, total in zip(CONCURRENCY_LEVELS, sizes.level_messages, strict=True):
            run = stack.rest(f"{level} conversations", level, total, f"c{level}r{repeat}")
            out.levels.setdefault(level, []).append(run)
            log(f"{level} conversations: {run.throughput:.1f} msg/s, p99 {run.p(99):.0f} ms")
    remember("after throughput runs", *(run for runs in out.levels.values() for run in runs))

    # py-spy samples the Rasa server during a run at 20 conversations.
    load = partial(stack.rest, "profile", LOAD_CONCURRENCY, sizes.profile_messages, "profile")
    out.profile = profile_under_load(stack.stack.processes["rasa"].pid, load, profile_file)
    answered += out.profile.messages
    log(f"profile: {out.profile.samples} samples")

    # The memory soak: up to `soak_messages` in all, memory read between chunks.
    while (left := sizes.soak_messages - answered) > 0:
        out.soak.append(stack.rest("soak", LOAD_CONCURRENCY, min(500, left), f"s{len(out.soak)}"))
        remember("soak", out.soak[-1])
    log(f"memory soak: {answered} messages answered in all")

"""The load generator: scripted conversations over HTTP, every message timed.

One aiohttp event loop (aiohttp comes with Rasa) keeps the client's own CPU small, since it
shares the cores with the servers it measures. Connections are kept alive, as the widget's
browser does. Load is closed-loop: each simulated patient sends a message, waits for the
reply, then sends the next (no think time), so throughput is what the server sustains.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.procs import machine_busy_seconds, own_cpu_seconds
from content.clinic import load_clinic
from content.replies import unavailable_reply

REQUEST_TIMEOUT_S = 30
# channels/rest.py sends this when a turn fails or outlasts its answer timeout: the patient
# got no real answer, so it counts as an error.
UNAVAILABLE = unavailable_reply(load_clinic())
NAN = float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank: the smallest value with q % of the values at or below it, so a p99 is
    a message that really took that long, not an interpolation between two."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1] if ordered else NAN


def median(values: Iterable[float]) -> float:
    """The median, ignoring figures that were not measured (NaN)."""
    kept = [v for v in values if v == v]
    return statistics.median(kept) if kept else NAN


@dataclass
class LoadRun:
    """One measured run: every message's latency and what went wrong."""

    label: str
    concurrency: int
    wall_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    # CPU seconds during the run by process group, "client" (the load generator) and
    # "other": everything else on the machine. When "other" is large, the run's wall-clock
    # figures are pessimistic and the CPU per message is the steadier figure.
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies_ms)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.messages / self.wall_seconds if self.wall_seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def cpu_ms(self, who: str) -> float:
        """CPU milliseconds per message of `who` ("rasa", "actions", "client", ...)."""
        return 1000 * self.cpu_seconds.get(who, NAN) / max(self.messages, 1)

    def cores(self) -> dict[str, float]:
        """Cores each kept busy on average: what the servers really got."""
        return {who: s / self.wall_seconds for who, s in self.cpu_seconds.items()}

    @property
    def other_cores(self) -> float:
        return self.cores().get("other", NAN)

    def summary(self) -> dict[str, Any]:
        """For benchmark.json: the figures of the run, not every latency."""
        return {
            "label": self.label,
            "concurrency": self.concurrency,
            "messages": self.messages,
            "throughput_per_s": self.throughput,
            **{f"p{q}_ms": self.p(q) for q in (50, 90, 99, 100)},
            "errors": dict(self.errors),
            "cores": self.cores(),
        }


def measured(cpu_groups: Callable[[], dict[str, float]], load: Callable[[], LoadRun]) -> LoadRun:
    """Runs a load and records who used the CPU meanwhile: the process groups under test
    (`cpu_groups()` reads their CPU seconds), this process, and everything else."""
    before, client, busy = cpu_groups(), own_cpu_seconds(), machine_busy_seconds()
    run = load()
    used = {who: s - before.get(who, 0.0) for who, s in cpu_groups().items()}
    used["client"] = own_cpu_seconds() - client
    used["other"] = max(0.0, machine_busy_seconds() - busy - sum(used.values()))
    run.cpu_seconds = used
    return run


def rest_error(body: Any) -> str | None:
    """What is wrong with a webhook reply that came back with HTTP 200, if anything."""
    if not isinstance(body, list) or not body:
        return "empty reply"
    if any(m.get("text") == UNAVAILABLE for m in body):
        return "fallback reply (answer timeout)"
    return None


def parse_error(body: Any) -> str | None:
    return None if isinstance(body, dict) and body.get("intent") else "no intent"


async def _say(
    session: aiohttp.ClientSession,
    url: str,
    payload: dict[str, Any],
    run: LoadRun,
    check: Callable[[Any], str | None],
    headers: dict[str, str] | None,
) -> None:
    """Sends one message and records its latency (and what went wrong) in `run`."""
    start = time.perf_counter()
    try:
        async with session.post(url, json=payload, headers=headers) as response:
            body = await response.json(content_type=None)
            error = check(body) if response.status == 200 else f"HTTP {response.status}"
    except asyncio.TimeoutError:
        error = "timeout"
    except (aiohttp.ClientError, ValueError) as exc:
        error = type(exc).__name__
    run.latencies_ms.append((time.perf_counter() - start) * 1000)
    if error:
        run.errors[error] += 1


def _client_session(concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    return aiohttp.ClientSession(connector=connector, timeout=timeout)


def run_load(
    url: str,
    conversations: Iterable[list[dict[str, Any]]],
    label: str,
    concurrency: int = 1,
    total: float = math.inf,
    seconds: float = math.inf,
    check: Callable[[Any], str | None] = rest_error,
    headers: dict[str, str] | None = None,
) -> LoadRun:
    """`concurrency` patients, each taking the next conversation and sending its messages in
    turn, until `total` messages were sent, `seconds` passed or the conversations ran out.
    One conversation of many messages at concurrency 1 is a latency run (the latencies are
    in the order of the messages)."""
    run, stream = LoadRun(label, concurrency), iter(conversations)
    left, deadline = total, time.perf_counter() + seconds

    async def patient(session: aiohttp.ClientSession) -> None:
        nonlocal left
        while (conversation := next(stream, None)) is not None:
            for payload in conversation:
                if left <= 0 or time.perf_counter() >= deadline:
                    return
                left -= 1
                await _say(session, url, payload, run, check, headers)

    async def patients() -> None:
        async with _client_session(concurrency) as session:
            start = time.perf_counter()
            await asyncio.gather(*(patient(session) for _ in range(concurrency)))
            run.wall_seconds = time.perf_counter() - start

    asyncio.run(patients())
    return run


def run_mixed(
    url: str,
    long: list[dict[str, Any]],
    short: Iterable[list[dict[str, Any]]],
    short_patients: int,
    check: Callable[[Any], str | None] = rest_error,
) -> tuple[LoadRun, LoadRun]:
    """One patient sends the long conversation's messages in turn while `short_patients`
    others go through short conversations, one after the other, until the long one ends:
    (the short conversations' run, the long one's)."""
    short_run = LoadRun("short conversations", short_patients)
    long_run = LoadRun("long conversation", 1)
    stream, finished = iter(short), False

    async def long_patient(session: aiohttp.ClientSession) -> None:
        nonlocal finished
        for payload in long:
            await _say(session, url, payload, long_run, check, None)
        finished = True

    async def short_patient(session: aiohttp.ClientSession) -> None:
        while not finished and (conversation := next(stream, None)) is not None:
            for payload in conversation:
                if finished:
                    return
                await _say(session, url, payload, short_run, check, None)

    async def patients() -> None:
        async with _client_session(short_patients + 1) as session:
            start = time.perf_counter()
            others = [short_patient(session) for _ in range(short_patients)]
            await asyncio.gather(long_patient(session), *others)
            short_run.wall_seconds = long_run.wall_seconds = time.perf_counter() - start

    asyncio.run(patients())
    return short_run, long_run


def window_p50(runs: Iterable[LoadRun], first: int, last: int) -> float:
    """The p50 of the messages at positions first..last (1-based, inclusive) of runs that
    each sent one conversation in order, pooled; NaN if no run reached `last`."""
    series = [run.latencies_ms for run in runs]
    return percentile([ms for s in series if len(s) >= last for ms in s[first - 1 : last]], 50)

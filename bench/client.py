"""The load generator: sends messages over HTTP and times each one.

aiohttp (already a Rasa dependency) in a single event loop keeps the client's own CPU
use small: the machine has 2 cores and the client shares them with the two servers.
Connections are kept alive, as the chat widget's browser does.

Load is closed-loop: each simulated patient sends a message, waits for the reply, then
sends the next one (no think time), so throughput is what the server sustains.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional

import aiohttp

from bench.procs import CpuUsage
from bench.stats import median, percentile
from bench.workload import Turn, conversations

REQUEST_TIMEOUT_S = 30
# channels/rest.py answers this when a turn takes longer than its answer timeout or
# fails: the patient saw no real answer, so the benchmark counts it as an error.
UNAVAILABLE_PREFIX = "Sorry, I can't answer right now"


@dataclass
class LoadRun:
    """One measured run: every message's latency and what went wrong."""
    label: str
    concurrency: int
    wall_seconds: float = 0.0
    latencies_ms: List[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    cpu: Optional[CpuUsage] = None  # filled in by BenchStack.measured()

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

    def summary(self) -> Dict[str, Any]:
        return {
            "label": self.label, "concurrency": self.concurrency, "messages": self.messages,
            "wall_seconds": round(self.wall_seconds, 3), "throughput_per_s": round(self.throughput, 2),
            "p50_ms": round(self.p(50), 2), "p90_ms": round(self.p(90), 2), "p99_ms": round(self.p(99), 2),
            "max_ms": round(max(self.latencies_ms, default=0.0), 2),
            "errors": self.error_count, "error_kinds": dict(self.errors),
            **({"cpu_ms_per_message": {k: round(v, 2) for k, v in self.cpu.per_message_ms(self.messages).items()},
                "other_processes_cores": round(self.cpu.other_cores, 2)} if self.cpu else {}),
        }


def median_of(runs: List[LoadRun], metric: Callable[[LoadRun], float]) -> float:
    """Median of a figure over repeated runs (NaN if there were none)."""
    return median(metric(r) for r in runs)


def median_cpu_ms(runs: List[LoadRun], who: str) -> float:
    """Median CPU milliseconds per message of `who` ("rasa", "actions", "client")."""
    return median(r.cpu.per_message_ms(r.messages)[who] for r in runs if r.cpu)


def _session(connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, force_close=False),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
    )


async def _post(session: aiohttp.ClientSession, url: str, payload: Dict[str, Any],
                headers: Optional[Dict[str, str]] = None) -> tuple:
    """(milliseconds, JSON body or None, error kind or None)."""
    start = time.perf_counter()
    try:
        async with session.post(url, json=payload, headers=headers) as response:
            body = await response.json(content_type=None)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != 200:
                return elapsed, body, f"HTTP {response.status}"
            return elapsed, body, None
    except asyncio.TimeoutError:
        return (time.perf_counter() - start) * 1000, None, "timeout"
    except (aiohttp.ClientError, ValueError) as error:
        return (time.perf_counter() - start) * 1000, None, type(error).__name__


def rest_error(body: Any) -> Optional[str]:
    """What is wrong with a webhook reply that came back with 200, if anything."""
    if not isinstance(body, list) or not body:
        return "empty reply"
    if any(str(m.get("text", "")).startswith(UNAVAILABLE_PREFIX) for m in body):
        return "fallback reply (answer timeout)"
    return None


async def _say(session: aiohttp.ClientSession, url: str, turn: Turn, run: LoadRun) -> None:
    elapsed, body, error = await _post(session, url, {"sender": turn.sender, "message": turn.text})
    error = error or rest_error(body)
    run.latencies_ms.append(elapsed)
    if error:
        run.errors[error] += 1


async def _timed_posts(url: str, payloads: List[Dict[str, Any]], headers: Optional[Dict[str, str]],
                       label: str, check: Callable[[Any], Optional[str]]) -> LoadRun:
    run = LoadRun(label, concurrency=1)
    async with _session(1) as session:
        start = time.perf_counter()
        for payload in payloads:
            elapsed, body, error = await _post(session, url, payload, headers)
            run.latencies_ms.append(elapsed)
            error = error or check(body)
            if error:
                run.errors[error] += 1
        run.wall_seconds = time.perf_counter() - start
    return run


# --- REST webhook ---------------------------------------------------------------------

def sequential(url: str, turns: List[Turn], label: str = "sequential") -> LoadRun:
    """One conversation at a time, each message after the previous reply."""
    payloads = [{"sender": turn.sender, "message": turn.text} for turn in turns]
    return asyncio.run(_timed_posts(url, payloads, None, label, rest_error))


async def _concurrent(url: str, concurrency: int, total: int, run_id: str, label: str,
                      progress: Optional[Callable[[int], None]], progress_every: int) -> LoadRun:
    run = LoadRun(label, concurrency)
    stream: Iterator[List[Turn]] = conversations(run_id)
    budget = {"left": total}

    async def patient(session: aiohttp.ClientSession) -> None:
        # Conversation after conversation, each message in turn, until the budget is spent.
        while budget["left"] > 0:
            for turn in next(stream):
                if budget["left"] <= 0:
                    return
                budget["left"] -= 1
                await _say(session, url, turn, run)
                if progress and run.messages % progress_every == 0:
                    progress(run.messages)

    async with _session(concurrency) as session:
        start = time.perf_counter()
        await asyncio.gather(*(patient(session) for _ in range(concurrency)))
        run.wall_seconds = time.perf_counter() - start
    return run


def concurrent(url: str, concurrency: int, total: int, run_id: str, label: str = "",
               progress: Optional[Callable[[int], None]] = None, progress_every: int = 250) -> LoadRun:
    """`concurrency` conversations at once until `total` messages have been answered."""
    return asyncio.run(_concurrent(url, concurrency, total, run_id, label or f"{concurrency} conversations",
                                   progress, progress_every))


# --- NLU only and the action server alone -------------------------------------------------

def parse_latency(url: str, headers: Dict[str, str], texts: List[str]) -> LoadRun:
    """`POST /model/parse`: the NLU pipeline alone (no tracker, policies or actions)."""
    payloads = [{"text": text} for text in texts]
    return asyncio.run(_timed_posts(url, payloads, headers, "NLU parse",
                                    lambda b: None if isinstance(b, dict) and b.get("intent") else "no intent"))


def parse_all(url: str, headers: Dict[str, str], texts: List[str]) -> List[Dict[str, Any]]:
    """Parse results (in order) for the held-out evaluation."""
    async def go() -> List[Dict[str, Any]]:
        async with _session(1) as session:
            results = []
            for text in texts:
                _, body, error = await _post(session, url, {"text": text}, headers)
                if error:
                    raise RuntimeError(f"/model/parse failed: {error}")
                results.append(body)
            return results
    return asyncio.run(go())


def action_latency(url: str, payloads: List[Dict[str, Any]]) -> LoadRun:
    """The action server's /webhook alone: what one custom-action round trip costs."""
    return asyncio.run(_timed_posts(url, payloads, None, "action server",
                                    lambda b: None if isinstance(b, dict) and b.get("responses") else "no response"))

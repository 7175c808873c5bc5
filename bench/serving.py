"""Everything measured on a running assistant: latency, throughput, memory, cold start.

One "main" stack serves the whole sequence, and every REST message it answers counts
toward the memory soak (10,000 in a full run): warm-up, the latency runs, the throughput
runs, then a top-up at 20 conversations. Memory is read after each phase and every few
hundred messages during the top-up, which gives the memory-over-messages plot.
"""
from __future__ import annotations

import time
from pathlib import Path
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional

from bench import client
from bench.client import LoadRun
from bench.procs import MB
from bench.profile import Profile, profile_under_load
from bench.settings import CONCURRENCY_LEVELS, Sizes
from bench.stack import BenchStack, ColdStart
from bench.workload import mix, turns

SOAK_CONCURRENCY = 20

# (intent, entities, current_section slot, text): typical calls of the answer action.
ACTION_CASES = [
    ("ask_aftercare", [], None, "when can I shower after the treatment"),
    ("ask_avoid_before", [("substance", "caffeine")], None, "can I have coffee before"),
    ("ask_followup", [], "avoid_before", "and after?"),
    ("ask_followup", [("body_area", "hands")], "areas", "what about my hands?"),
    ("ask_what_is", [], None, "what is mesotherapy"),
]


def action_payload(number: int) -> Dict[str, Any]:
    """A minimal action-server call for `action_answer_from_article`, as Rasa sends it
    (next_action, sender_id, tracker, version) but without the domain and past events."""
    intent, entities, section, text = ACTION_CASES[number % len(ACTION_CASES)]
    return {
        "next_action": "action_answer_from_article",
        "sender_id": f"bench-action-{number}",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": f"bench-action-{number}",
            "slots": {"current_section": section},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": [{"entity": label, "value": value} for label, value in entities],
                "intent_ranking": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@dataclass
class MemorySample:
    phase: str
    messages: int  # REST messages answered by the stack so far
    seconds: float  # since the stack answered its first message
    rasa_mb: float
    actions_mb: float

    @property
    def total_mb(self) -> float:
        return self.rasa_mb + self.actions_mb


@dataclass
class ServingResults:
    cold_starts: List[ColdStart] = field(default_factory=list)
    rest: List[LoadRun] = field(default_factory=list)
    nlu: List[LoadRun] = field(default_factory=list)
    action: List[LoadRun] = field(default_factory=list)
    levels: Dict[int, List[LoadRun]] = field(default_factory=dict)
    soak: Optional[LoadRun] = None
    memory: List[MemorySample] = field(default_factory=list)
    soak_ran_alongside: str = ""  # what else ran during the soak top-up
    latency_mix: Dict[str, float] = field(default_factory=dict)  # kinds of message in the latency samples
    profile: Optional[Profile] = None

    def as_dict(self) -> Dict[str, Any]:
        return {
            "cold_starts": [{**asdict(c), "total": c.total} for c in self.cold_starts],
            "rest": [r.summary() for r in self.rest],
            "nlu": [r.summary() for r in self.nlu],
            "action": [r.summary() for r in self.action],
            "levels": {str(c): [r.summary() for r in runs] for c, runs in self.levels.items()},
            "soak": self.soak.summary() if self.soak else None,
            "soak_ran_alongside": self.soak_ran_alongside,
            "latency_mix": self.latency_mix,
            "memory": [{**asdict(m), "total_mb": m.total_mb} for m in self.memory],
            "profile": self.profile.as_dict() if self.profile else None,
        }


class MainStackRun:
    """The measurement sequence on one stack, keeping count of the messages it answered."""

    def __init__(self, stack: BenchStack, sizes: Sizes, log: Callable[[str], None]):
        self.stack, self.sizes, self.log = stack, sizes, log
        self.results = ServingResults()
        self.messages = 0
        self.started = 0.0

    def remember_memory(self, phase: str) -> None:
        rss = self.stack.rss()
        sample = MemorySample(phase, self.messages, time.monotonic() - self.started,
                              rss.get("rasa", 0) / MB, rss.get("actions", 0) / MB)
        self.results.memory.append(sample)

    def start(self) -> None:
        cold = self.stack.start()
        self.started = time.monotonic()
        self.messages = 1  # the cold-start greeting
        self.results.cold_starts.append(cold)
        self.log(f"main stack up: first answer {cold.total:.1f} s after start")
        self.remember_memory("after start")

    def warm_up(self) -> None:
        run = client.sequential(self.stack.rest_url, turns("warmup", self.sizes.warmup_messages), "warm-up")
        self.messages += run.messages
        self.remember_memory("after warm-up")

    def latency(self) -> None:
        """REST, NLU-only and action-server latency, one request at a time, interleaved per
        repeat so slow periods of a busy machine hit all three alike."""
        count = self.sizes.latency_messages
        samples = [turns(f"latency{repeat}", count, seed=repeat) for repeat in range(self.sizes.latency_repeats)]
        self.results.latency_mix = mix([turn for sample in samples for turn in sample])
        for repeat, sample in enumerate(samples):
            rest = self.stack.measured(lambda: client.sequential(self.stack.rest_url, sample, "REST webhook"))
            self.messages += rest.messages
            nlu = self.stack.measured(lambda: client.parse_latency(self.stack.parse_url, self.stack.auth_headers,
                                                             [t.text for t in sample]))
            action = self.stack.measured(lambda: client.action_latency(self.stack.action_url,
                                                                 [action_payload(i) for i in range(count)]))
            self.results.rest.append(rest)
            self.results.nlu.append(nlu)
            self.results.action.append(action)
            self.log(f"latency {repeat + 1}/{self.sizes.latency_repeats}: REST p50 {rest.p(50):.1f} ms "
                     f"p99 {rest.p(99):.1f} ms, NLU p50 {nlu.p(50):.1f} ms, action server p50 {action.p(50):.1f} ms")
        self.remember_memory("after latency runs")

    def throughput(self) -> None:
        for repeat in range(self.sizes.load_repeats):
            for level in CONCURRENCY_LEVELS:
                total = self.sizes.level_messages[level]
                run = self.stack.measured(lambda: client.concurrent(self.stack.rest_url, level, total, f"c{level}r{repeat}"))
                self.messages += run.messages
                self.results.levels.setdefault(level, []).append(run)
                self.log(f"{level:>2} conversations ({repeat + 1}/{self.sizes.load_repeats}): "
                         f"{run.throughput:.1f} msg/s, p99 {run.p(99):.0f} ms, {run.error_count} errors")
        self.remember_memory("after throughput runs")

    def profile(self, raw_file: Path) -> None:
        """py-spy samples the Rasa server during a run at 20 conversations (bench/profile.py)."""
        total = self.sizes.profile_messages
        profile = profile_under_load(
            self.stack.stack.processes["rasa"].pid,
            lambda: client.concurrent(self.stack.rest_url, SOAK_CONCURRENCY, total, "profile", label="profile"),
            raw_file,
        )
        self.messages += profile.messages
        self.results.profile = profile
        self.log(f"profile: {profile.samples} samples over {profile.messages} messages"
                 + (f" ({profile.error})" if profile.error else ""))

    def soak(self, alongside: str = "") -> None:
        """Tops the stack up to `soak_messages` REST messages at 20 conversations."""
        left = self.sizes.soak_messages - self.messages
        if left <= 0:
            return
        self.results.soak_ran_alongside = alongside
        already = self.messages
        self.log(f"memory soak: {left} more messages at {SOAK_CONCURRENCY} conversations"
                 + (f" (alongside: {alongside})" if alongside else ""))

        def progress(done: int) -> None:
            self.messages = already + done
            self.remember_memory("soak")

        run = self.stack.measured(lambda: client.concurrent(self.stack.rest_url, SOAK_CONCURRENCY, left, "soak",
                                                      label="soak", progress=progress, progress_every=500))
        self.messages = already + run.messages
        self.results.soak = run
        self.remember_memory("after soak")


def extra_cold_start(stack: BenchStack) -> ColdStart:
    """Starts a stack, waits for its first answer, stops it."""
    try:
        return stack.start()
    finally:
        stack.stop()

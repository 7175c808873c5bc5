"""Throughput and p99 latency with 1 vs 2 Rasa replicas behind nginx (production profile).

    .venv/bin/python -m deploy.bench_workers [--seconds 40] [--concurrency 20] [--rounds 2]
    .venv/bin/python -m deploy.bench_workers --mode workers   # 1 replica, SANIC_WORKERS 1 vs 2

Starts PostgreSQL, Redis and nginx (deploy/services.sh), one action server and two Rasa
replicas once, on free loopback ports under a temporary folder. Each measurement points
nginx at one replica or at both (a reload, no restart), so both configurations run on the
same warm processes; they alternate (1, 2, 1, 2, ...) so that other load on the machine
hits both alike. Each measurement: `--concurrency` conversations, each sending its
messages one after the other (like the widget) for `--seconds`. Errors are any non-200
or empty reply. CPU seconds per component come from /proc.

Prints a markdown table and writes reports/scale-bench.json. Goal: >= 1.7x throughput
with 2 replicas and 0 errors.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import requests

from bench.procs import group_cpu_seconds, load_average, machine_busy_seconds, own_cpu_seconds
from bench.stack import NO_RATE_LIMITS
from bench.stats import percentile
from deploy.run_prod import ProdSettings, ProdStack
from scripts.serve import ROOT

REPORT = ROOT / "reports" / "scale-bench.json"
GOAL = 1.7
# A widget conversation: questions, follow-ups that need the stored context, out of scope.
SCRIPT = [
    "hi", "What is mesotherapy?", "What should I avoid before the treatment?", "and after?",
    "which areas can it treat?", "what about my hands?", "Can I drink coffee before my session?",
    "How much does it cost?", "will I bruise?", "thanks",
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def service_cpu_seconds(pid: int) -> float:
    """user + system CPU of a service process and its reaped children (PostgreSQL forks
    a backend per connection)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / CLOCK_TICKS


def group_cpu(stack: ProdStack) -> Dict[str, float]:
    groups: Dict[str, float] = {"rasa": 0.0, "actions": 0.0}
    # Each server is the leader of its own process group: count its Sanic workers too.
    for name, process in stack.processes().items():
        groups[name.split("-")[0]] += group_cpu_seconds(process.pid)
    for label, needle in (("postgres", "postgres"), ("redis", "redis-server"), ("nginx", "nginx")):
        total = 0.0
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if needle in (proc / "comm").read_text() or needle in (proc / "cmdline").read_text():
                        total += service_cpu_seconds(int(proc.name))
                except OSError:
                    pass
        groups[label] = total
    return groups


def load(url: str, concurrency: int, seconds: float) -> Dict[str, object]:
    latencies: List[float] = []
    errors: List[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def conversation_loop(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < deadline:
            sender = f"bench-{index}-{uuid.uuid4().hex[:8]}"
            for message in SCRIPT:
                if time.monotonic() >= deadline:
                    return
                started = time.monotonic()
                try:
                    response = session.post(url, json={"sender": sender, "message": message}, timeout=60)
                    ok = response.status_code == 200 and bool(response.json())
                    problem = None if ok else f"HTTP {response.status_code}"
                except (requests.RequestException, ValueError) as error:
                    problem = type(error).__name__
                elapsed = time.monotonic() - started
                with lock:
                    if problem:
                        errors.append(problem)
                    else:
                        latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=conversation_loop, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies_ms = sorted(latency * 1000 for latency in latencies)

    return {
        "messages": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(wall, 2),
        "throughput_msg_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies_ms, 50), 1),
        "p99_ms": round(percentile(latencies_ms, 99), 1),
        "max_ms": round(latencies_ms[-1], 1) if latencies_ms else None,
    }


def measure(stack: ProdStack, replicas: List[int], concurrency: int, seconds: float) -> Dict[str, object]:
    stack.route_to(replicas)
    time.sleep(1)
    load(stack.rest_url, concurrency, 3)  # warm-up after the reload, not counted
    cpu_before, busy_before, client_before = group_cpu(stack), machine_busy_seconds(), own_cpu_seconds()
    load_avg = load_average()
    result = load(stack.rest_url, concurrency, seconds)
    cpu_after, busy_after, client_after = group_cpu(stack), machine_busy_seconds(), own_cpu_seconds()
    wall = float(result["seconds"])  # type: ignore[arg-type]
    cores = {k: round((cpu_after[k] - cpu_before[k]) / wall, 2) for k in cpu_after}
    cores["load generator"] = round((client_after - client_before) / wall, 2)
    cores["whole machine"] = round((busy_after - busy_before) / wall, 2)
    # Whatever else runs on the machine (other users, other test suites) competes for CPU.
    cores["other processes"] = round(max(0.0, cores["whole machine"] - sum(
        v for k, v in cores.items() if k not in ("whole machine",))), 2)
    return {**result, "load_avg_before": round(load_avg, 2), "cores_used": cores}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40, help="length of each measurement")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent conversations")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each configuration, alternated")
    parser.add_argument("--mode", choices=("replicas", "workers"), default="replicas",
                        help="2 replicas x 1 worker, or 1 replica x SANIC_WORKERS=2")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args()

    state = Path(tempfile.mkdtemp(prefix="scale-bench-", dir="/tmp"))
    state.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data folder
    runs: Dict[str, List[Dict[str, object]]] = {"1": [], "2": []}
    try:
        if args.mode == "replicas":
            settings = ProdSettings.on_free_ports(state, replicas=2, action_servers=1, nginx_rate="10000r/s",
                                                  nginx_burst=10000, extra_env=NO_RATE_LIMITS)
            stack = ProdStack(settings)
            print("Starting PostgreSQL, Redis, nginx, 1 action server, 2 Rasa replicas...", flush=True)
            stack.start()
            try:
                for round_ in range(args.rounds):
                    for n in ("1", "2"):
                        result = measure(stack, list(range(int(n))), args.concurrency, args.seconds)
                        runs[n].append(result)
                        print(f"  round {round_ + 1}, {n} replica(s): {result['throughput_msg_s']} msg/s, "
                              f"p99 {result['p99_ms']} ms, errors {result['errors']}", flush=True)
            finally:
                stack.stop()
        else:
            for round_ in range(args.rounds):
                for n in ("1", "2"):
                    settings = ProdSettings.on_free_ports(state, replicas=1, action_servers=1, sanic_workers=int(n),
                                                          nginx_rate="10000r/s", nginx_burst=10000, extra_env=NO_RATE_LIMITS)
                    stack = ProdStack(settings)
                    stack.start()
                    try:
                        result = measure(stack, [0], args.concurrency, args.seconds)
                    finally:
                        stack.stop()
                    runs[n].append(result)
                    print(f"  round {round_ + 1}, SANIC_WORKERS={n}: {result['throughput_msg_s']} msg/s, "
                          f"p99 {result['p99_ms']} ms, errors {result['errors']}", flush=True)
    finally:
        shutil.rmtree(state, ignore_errors=True)

    def summary(n: str) -> Dict[str, object]:
        results = runs[n]
        return {
            "throughput_msg_s": round(statistics.median(r["throughput_msg_s"] for r in results), 2),  # type: ignore[misc]
            "best_throughput_msg_s": max(r["throughput_msg_s"] for r in results),  # type: ignore[type-var]
            "rasa_cores": round(statistics.median(r["cores_used"]["rasa"] for r in results), 2),  # type: ignore[index]
            "other_processes_cores": round(statistics.median(
                r["cores_used"]["other processes"] for r in results), 2),  # type: ignore[index]
            "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 1),  # type: ignore[misc]
            "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 1),  # type: ignore[misc]
            "errors": sum(int(r["errors"]) for r in results),  # type: ignore[arg-type]
            "messages": sum(int(r["messages"]) for r in results),  # type: ignore[arg-type]
        }

    one, two = summary("1"), summary("2")
    speedup = round(float(two["throughput_msg_s"]) / float(one["throughput_msg_s"]), 2)  # type: ignore[arg-type]
    best_speedup = round(float(two["best_throughput_msg_s"]) / float(one["best_throughput_msg_s"]), 2)  # type: ignore[arg-type]
    label = "replicas" if args.mode == "replicas" else "SANIC_WORKERS"
    report = {
        "what": f"1 vs 2 Rasa {label} behind nginx, {args.concurrency} concurrent conversations",
        "mode": args.mode,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "seconds_per_measurement": args.seconds,
        "rounds": args.rounds,
        "one": one, "two": two,
        "speedup": speedup,
        "best_speedup": best_speedup,
        "load_note": "CPU of other processes on the machine is measured per run ('other processes' cores): "
                     "on a shared 2-core machine it decides how much CPU the replicas get.",
        "goal": GOAL,
        "goal_met": speedup >= GOAL and one["errors"] == 0 and two["errors"] == 0,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")

    print(f"\n| {label} | throughput (msg/s), median | best | p50 (ms) | p99 (ms) | errors | messages "
          "| cores used by Rasa | cores used by other processes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, s in (("1", one), ("2", two)):
        print(f"| {n} | {s['throughput_msg_s']} | {s['best_throughput_msg_s']} | {s['p50_ms']} | {s['p99_ms']} "
              f"| {s['errors']} | {s['messages']} | {s['rasa_cores']} | {s['other_processes_cores']} |")
    print(f"\nSpeed-up with 2: {speedup}x median, {best_speedup}x best (goal {GOAL}x): "
          f"{'met' if report['goal_met'] else 'NOT met'}.")
    print("Cores used per component (the run closest to the median of each):")
    for n, s in (("1", one), ("2", two)):
        typical = min(runs[n], key=lambda r: abs(float(r["throughput_msg_s"]) - float(s["throughput_msg_s"])))  # type: ignore[arg-type]
        print(f"  {n}: {typical['cores_used']}")
    print(f"Written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

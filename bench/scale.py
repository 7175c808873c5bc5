"""Throughput and latency with 1 vs 2 Rasa replicas behind nginx (the prod profile).

    .venv/bin/python -m bench.scale [--seconds 40] [--concurrency 20] [--rounds 2]

Starts PostgreSQL, Redis and nginx (deploy/services.sh), one action server and two Rasa
replicas once, on free loopback ports under a temporary folder. Each measurement points
nginx at one replica or at both (a reload, no restart), so both configurations run on the
same warm processes, and they alternate (1, 2, 1, 2, ...) so that other work on the
machine hits both alike. The load, the errors and the CPU readings are the main
benchmark's (bench/client.py, bench/workload.py, bench/procs.py). Prints a markdown table
and writes reports/scale-bench.json; docs/benchmarks.md explains them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.client import LoadRun, measured, median, run_load
from bench.procs import group_cpu_seconds, machine, named_cpu_seconds
from bench.report import to_json
from bench.serving import NO_RATE_LIMITS
from bench.workload import conversations
from deploy.run_prod import ProdSettings, ProdStack
from runtime.settings import ROOT

REPORT = ROOT / "reports" / "scale-bench.json"
GOAL = 1.7  # the target: throughput with 2 replicas over 1, with 0 errors
SERVICES = ("postgres", "redis-server", "nginx")


def cpu_groups(stack: ProdStack) -> dict[str, float]:
    """CPU seconds so far of the replicas, the action servers and the services."""
    groups = {"rasa": 0.0, "actions": 0.0}
    for name, process in stack.processes().items():  # "rasa-1", "actions-1", "retention"
        kind = name.split("-")[0]
        groups[kind] = groups.get(kind, 0.0) + group_cpu_seconds(process.pid)
    return groups | {service: named_cpu_seconds(service) for service in SERVICES}


def measure(stack: ProdStack, replicas: int, args: argparse.Namespace, run_id: str) -> LoadRun:
    stack.route_to(list(range(replicas)))
    time.sleep(1)
    url, label = stack.rest_url, f"{replicas} replica(s)"
    run_load(url, conversations(f"{run_id}-warm"), "warm-up", args.concurrency, seconds=3)
    load = conversations(run_id)
    return measured(
        lambda: cpu_groups(stack),
        lambda: run_load(url, load, label, args.concurrency, seconds=args.seconds),
    )


def summary(runs: list[LoadRun]) -> dict[str, float]:
    cores = {who: median(r.cores()[who] for r in runs) for who in runs[0].cpu_seconds}
    return {
        "throughput_msg_s": median(r.throughput for r in runs),
        "best_throughput_msg_s": max(r.throughput for r in runs),
        "p50_ms": median(r.p(50) for r in runs),
        "p99_ms": median(r.p(99) for r in runs),
        "errors": sum(r.error_count for r in runs),
        "messages": sum(r.messages for r in runs),
        **{f"{who}_cores": value for who, value in cores.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=40, help="length of each measurement")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent conversations")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each, alternated")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)

    state = Path(tempfile.mkdtemp(prefix="scale-bench-", dir="/tmp"))
    state.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data folder
    settings = ProdSettings.on_free_ports(
        state, nginx_rate="10000r/s", nginx_burst=10000, extra_env=NO_RATE_LIMITS
    )
    stack, runs = ProdStack(settings), {1: [], 2: []}
    try:
        print("Starting PostgreSQL, Redis, nginx, 1 action server, 2 Rasa replicas...", flush=True)
        stack.start()
        for number in range(args.rounds):
            for replicas in (1, 2):
                run = measure(stack, replicas, args, f"r{number}n{replicas}")
                runs[replicas].append(run)
                print(f"  {run.label}: {run.throughput:.1f} msg/s, {run.error_count} errors")
    finally:
        stack.stop()
        shutil.rmtree(state, ignore_errors=True)

    one, two = summary(runs[1]), summary(runs[2])
    speedup = two["throughput_msg_s"] / (one["throughput_msg_s"] or float("nan"))
    met = speedup >= GOAL and one["errors"] == two["errors"] == 0
    report = {"machine": machine(), **vars(args), "speedup": speedup, "goal_met": met}
    report.update(one_replica=one, two_replicas=two, runs=runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(to_json(report), indent=2) + "\n")

    print(f"\n{machine()}\n\n| figure, median of {args.rounds} | 1 replica | 2 replicas |")
    print("| --- | --- | --- |")
    for key in one:
        print(f"| {key} | {one[key]:,.2f} | {two[key]:,.2f} |")
    print(f"\nSpeed-up: {speedup:.2f}x (goal {GOAL}x, 0 errors): {'met' if met else 'NOT met'}.")
    print(f"Written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

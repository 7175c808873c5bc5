"""The benchmark's plots (matplotlib, no display needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bench.settings import CONCURRENCY_LEVELS, GOALS  # noqa: E402
from bench.serving import ServingResults  # noqa: E402
from bench.stats import median, percentile  # noqa: E402

GOAL = {g.key: g.target for g in GOALS}


def _save(figure, path: Path) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def latency_histogram(serving: ServingResults, path: Path) -> str:
    rest = [v for run in serving.rest for v in run.latencies_ms]
    nlu = [v for run in serving.nlu for v in run.latencies_ms]
    figure, axis = plt.subplots(figsize=(8, 4.5))
    top = max(percentile(rest, 99.5) * 1.1, GOAL["rest_p99_ms"] * 1.1)
    bins = [top * i / 80 for i in range(81)]
    axis.hist([min(v, top) for v in rest], bins=bins, alpha=0.7, label=f"REST webhook (n={len(rest)})")
    axis.hist([min(v, top) for v in nlu], bins=bins, alpha=0.6, label=f"NLU only, /model/parse (n={len(nlu)})")
    for q, style in ((50, "-"), (99, ":")):
        # the figure the summary reports: the median of the runs' percentiles
        value = median(run.p(q) for run in serving.rest)
        axis.axvline(value, color="C0", linestyle=style, label=f"REST p{q} {value:.1f} ms (median of the runs)")
    axis.axvline(GOAL["rest_p50_ms"], color="k", linestyle="--", linewidth=1, label="goals: p50 25 ms, p99 80 ms")
    axis.axvline(GOAL["rest_p99_ms"], color="k", linestyle="--", linewidth=1)
    axis.set_xlabel("latency per message, ms (slower ones drawn at the right edge)")
    axis.set_ylabel("messages")
    axis.set_title("Latency at one conversation")
    axis.legend(fontsize=8, loc="upper right")
    return _save(figure, path)


def throughput_concurrency(serving: ServingResults, path: Path) -> str:
    levels = [c for c in CONCURRENCY_LEVELS if serving.levels.get(c)]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    for axis, metric, label in ((left, lambda r: r.throughput, "messages per second"),
                                (right, lambda r: r.p(99), "p99 latency, ms")):
        values = [[metric(r) for r in serving.levels[c]] for c in levels]
        mids = [median(v) for v in values]
        errors = [[m - min(v) for m, v in zip(mids, values)], [max(v) - m for m, v in zip(mids, values)]]
        axis.errorbar(levels, mids, yerr=errors, marker="o", capsize=4)
        axis.set_xlabel("concurrent conversations")
        axis.set_ylabel(label)
        axis.set_xticks(levels)
        axis.grid(alpha=0.3)
    ceilings = [1000 / median(r.cpu.per_message_ms(r.messages)["rasa"] for r in serving.levels[c] if r.cpu)
                for c in levels]
    left.plot(levels, ceilings, color="C1", linestyle=":", marker=".",
              label="1000 / Rasa CPU ms per message\n(ceiling of one event loop on a free core)")
    left.axhline(GOAL["throughput_20"], color="k", linestyle="--", linewidth=1, label="goal at 20: 60 msg/s")
    left.legend(fontsize=8)
    left.set_ylim(bottom=0)
    right.set_yscale("log")
    figure.suptitle("Throughput and tail latency against concurrency")
    return _save(figure, path)


def memory(serving: ServingResults, path: Path) -> str:
    samples = serving.memory
    figure, axis = plt.subplots(figsize=(8, 4.2))
    x = [s.messages for s in samples]
    axis.plot(x, [s.rasa_mb for s in samples], marker=".", label="Rasa server")
    axis.plot(x, [s.actions_mb for s in samples], marker=".", label="action server")
    axis.plot(x, [s.total_mb for s in samples], marker=".", label="together")
    axis.axhline(GOAL["rss_total_mb"], color="k", linestyle="--", linewidth=1, label="goal: 1,300 MB together")
    axis.set_xlabel("REST messages answered")
    axis.set_ylabel("RSS, MB")
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    axis.set_title("Memory over the run")
    return _save(figure, path)


def experiments_chart(rows: List[Dict[str, Any]], path: Path) -> str:
    rows = [r for r in rows if not r["error"]]
    names = [r["name"].replace("+", "\n+") for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    left.barh(names, [r["rest_p50_ms"] for r in rows], color="C0")
    left.axvline(GOAL["rest_p50_ms"], color="k", linestyle="--", linewidth=1, label="goal 25 ms")
    left.set_xlabel("REST p50 at one conversation, ms")
    right.barh(names, [r["throughput_20"] for r in rows], color="C2")
    right.axvline(GOAL["throughput_20"], color="k", linestyle="--", linewidth=1, label="goal 60 msg/s")
    right.set_xlabel("messages/s at 20 conversations")
    right.set_yticklabels([])
    for axis in (left, right):
        axis.invert_yaxis()
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3, axis="x")
    figure.suptitle("Experiments")
    return _save(figure, path)


def draw_all(reports: Path, serving: ServingResults, experiment_rows: List[Dict[str, Any]]) -> List[str]:
    files = []
    if serving.rest:
        files.append(latency_histogram(serving, reports / "latency_histogram.png"))
    if serving.levels:
        files.append(throughput_concurrency(serving, reports / "throughput_concurrency.png"))
    if serving.memory:
        files.append(memory(serving, reports / "memory.png"))
    if any(not r["error"] for r in experiment_rows):
        files.append(experiments_chart(experiment_rows, reports / "experiments.png"))
    return files

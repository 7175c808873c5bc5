"""Writes reports/benchmark.json and reports/benchmark.md.

The report prints what was measured, on which machine and how busy it was; how to read
each table is in docs/benchmarks.md, so no conclusion drawn on one machine ends up in code.
`figures()` flattens the results into named numbers (the JSON's "figures"), which the goal
table and the markdown both read, so the two never disagree.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.client import NAN, LoadRun, median
from bench.experiments import EXPERIMENTS
from bench.long import BEFORE, PROJECT, STOCK
from bench.long import summary as long_summary
from bench.procs import MB, machine
from bench.profile import SAMPLES_PER_SECOND
from bench.settings import GOALS, LOAD_CONCURRENCY, LONG_WINDOWS, MIXED_SHORT
from runtime.settings import ROOT

if TYPE_CHECKING:  # bench.run imports this module
    from bench.run import Benchmark


def _n(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or value != value else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None or value != value else f"{100 * value:.1f} %"


def _mid(values: list[float], digits: int = 1) -> str:
    """The median of repeated runs, with their range when there are several."""
    spread = f" ({min(values):.{digits}f}–{max(values):.{digits}f})" if len(values) > 1 else ""
    return _n(median(values), digits) + spread


def _change(before: float, after: float) -> float:
    return 100 * (after - before) / before if before else NAN


def _tail(runs: list[LoadRun]) -> list[str]:
    """The columns every load table ends with: errors, and the cores others kept busy."""
    return [str(sum(r.error_count for r in runs)), _n(median(r.other_cores for r in runs), 2)]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def figures(b: Benchmark) -> dict[str, float]:
    """The goals' figures, and the others the text quotes, by name."""
    s, at_20 = b.serving, b.serving.levels.get(20, [])
    f = {
        "rest_p50_ms": median(r.p(50) for r in s.rest),
        "rest_p99_ms": median(r.p(99) for r in s.rest),
        "throughput_20": median(r.throughput for r in at_20),
        "errors_20": sum(r.error_count for r in at_20) if at_20 else NAN,
        "rasa_cpu_ms_20": median(r.cpu_ms("rasa") for r in at_20),
        "cold_start_s": median(c.first_answer for c in s.cold_starts),
        "train_full_s": median(t.seconds for t in b.training),
        **long_summary(b.long),
    }
    # Memory figures exist (NaN) when the main stack did not run, as the goals read them.
    memory = ("rss_total_mb", "rss_drift_pct", "rss_drift_from_start_pct")
    f.update(dict.fromkeys((*memory, "rasa_rss_mb", "rasa_rss_drift_pct"), NAN))
    if s.memory:
        start, end = s.memory[0], s.memory[-1]
        warm = next((m for m in s.memory if m.phase == "after warm-up"), start)
        start_mb, warm_mb, end_mb = (m.rasa_mb + m.actions_mb for m in (start, warm, end))
        f["rss_total_mb"] = max(m.rasa_mb + m.actions_mb for m in s.memory)
        f["rss_drift_pct"] = _change(warm_mb, end_mb)
        f["rss_drift_from_start_pct"] = _change(start_mb, end_mb)
        f["rasa_rss_mb"] = end.rasa_mb
        f["rasa_rss_drift_pct"] = _change(warm.rasa_mb, end.rasa_mb)
    return f


def markdown(b: Benchmark, f: dict[str, float]) -> list[str]:
    s, r, model = b.serving, b.results, str(b.model).removeprefix(f"{ROOT}/")
    busy = {
        "latency runs": [run.other_cores for run in s.rest],
        "throughput runs": [run.other_cores for runs in s.levels.values() for run in runs],
        "training": [t.other_cores for t in b.training],
        "experiments": [run.other_cores for e in b.experiments for run in e.sequential + e.loaded],
    }
    out = [
        "# Benchmark of the mesotherapy assistant\n",
        f"Run {r['started']} ({b.sizes.name} mode{', **interrupted**' if r['interrupted'] else ''}"
        f"), {r['duration_s'] / 60:.1f} minutes, model `{model}`, Rasa "
        f"{importlib.metadata.version('rasa')}. Machine: {machine()}. docs/benchmarks.md "
        "explains each table.\n",
        "Cores kept busy by other processes (median): "
        + (", ".join(f"{median(v):.2f} during the {k}" for k, v in busy.items() if v) or "—")
        + ".\n",
    ]
    if r["failures"]:
        out += ["**Parts that failed** (their figures are missing):\n"]
        out += [f"- {failure}" for failure in r["failures"]] + [""]
    verdicts = {True: "**met**", False: "**missed**", None: "not measured"}
    rows = [
        [
            g.label,
            f"{g.op} {g.target:g} {g.unit}".strip(),
            f"{_n(f.get(g.key))} {g.unit}".strip(),
            verdicts[g.check(f.get(g.key))],
        ]
        for g in GOALS
    ]
    out += ["## Goals\n", *_table(["goal", "target", "measured", ""], rows)]

    out += ["## Latency, one conversation at a time\n"]
    out += [
        f"{b.sizes.latency_messages} messages of scripted conversations, {len(s.rest)} run(s): "
        "medians of the runs, their range in brackets.\n"
    ]
    rows = [
        [label, *(_mid([run.p(q) for run in runs]) for q in (50, 90, 99)), *_tail(runs)]
        for label, runs in (("REST webhook (whole turn)", s.rest), ("NLU only", s.nlu))
    ]
    out += _table(["path", "p50 ms", "p90 ms", "p99 ms", "errors", "other cores"], rows)

    out += ["## Throughput and tail latency\n"]
    rows = [
        [f"{level} ({runs[0].messages} messages)", _mid([run.throughput for run in runs])]
        + [_n(median(run.p(q) for run in runs), 0) for q in (50, 99)]
        + [_n(median(run.cpu_ms(who) for run in runs)) for who in ("rasa", "actions", "client")]
        + _tail(runs)
        for level, runs in s.levels.items()
    ]
    header = ["conversations", "msg/s", "p50 ms", "p99 ms", "CPU ms/msg: Rasa", "action server"]
    out += _table(header + ["client", "errors", "other cores"], rows)

    out += _long(b) + _profile(b, f) + ["## Memory\n"]
    rows = [
        [m.phase, f"{m.messages:,}", *(_n(mb, 0) for mb in (m.rasa_mb, m.actions_mb))]
        + [_n(m.rasa_mb + m.actions_mb, 0)]
        for m in s.memory
    ]
    header = ["when", "messages answered", "Rasa server MB", "action server MB", "together"]
    out += _table(header, rows)
    out += [
        f"Drift from after the warm-up to the end: {_n(f.get('rss_drift_pct'))} % (from "
        f"right after the start: {_n(f.get('rss_drift_from_start_pct'))} %); "
        f"{sum(run.messages for run in s.soak):,} messages in the soak, "
        f"{sum(run.error_count for run in s.soak)} errors. The Rasa server alone: "
        f"{_n(f.get('rasa_rss_mb'), 0)} MB at the end, drift {_n(f.get('rasa_rss_drift_pct'))} %."
        "\n",
        "## Training and cold start\n",
        "- Full training (`rasa train --force`, empty cache): "
        f"{_mid([t.seconds for t in b.training])} s; model size {_n(b.model_mb)} MB (served "
        f"model: {_n(b.model.stat().st_size / MB)} MB).",
        f"- Cold start, from starting the action server to the first answer through REST: "
        f"{_mid([c.first_answer for c in s.cold_starts])} s; the Rasa server alone: "
        f"{_mid([c.rasa_ready - c.action_server_ready for c in s.cold_starts])} s.\n",
    ]
    return out + _accuracy(b) + _experiments(b)


def _long(b: Benchmark) -> list[str]:
    if not b.long:
        return []
    rows, mixed = [], []
    for r in b.long:
        runs_errors = str(sum(run.error_count for run in r.runs))
        rows.append(
            [r.name, str(len(r.runs)), *(_n(v) for v in r.windows().values())]
            + [_n(r.ratio(91, 100), 2), runs_errors, _n(r.rss_mb, 0), _n(r.other_cores, 2)]
        )
        if r.mixed_short and r.mixed_long:
            short, long = r.mixed_short, r.mixed_long
            mixed.append(
                [r.name, f"{short.messages:,}", _n(short.p(50), 0), _n(short.p(99), 0)]
                + [f"{long.messages:,}", _n(long.p(50), 0), _n(long.p(99), 0)]
                + [str(short.error_count + long.error_count)]
            )
    windows = [f"p50 ms, turns {a}–{z}" for a, z in LONG_WINDOWS]
    stock = next((r for r in b.long if r.name == STOCK), None)
    trained = (
        f" (its `rasa init`, training included: {_n(stock.training_s, 0)} s)" if stock else ""
    )
    return [
        "## Long conversations\n",
        f"Each conversation {b.sizes.long_turns} messages under one sender id, one message at a "
        f"time: p50 of the turns at each position, pooled over the conversations. {PROJECT}; "
        f"{BEFORE}: the `before-windowed-load` experiment's stack (Rasa's SQL store, model "
        f"load, jax, threads); Rasa's starter bot{trained}; measured the same way, one after "
        "the other.\n",
        *_table(
            ["assistant", "conversations", *windows, "91–100 ÷ 1–10", "errors"]
            + ["Rasa RSS MB after", "other cores"],
            rows,
        ),
        f"Mixed load: {MIXED_SHORT} patients with short conversations, one after the other, "
        f"beside one patient in a conversation of {b.sizes.mixed_long_turns} messages, until "
        "that one ends.\n",
        *_table(
            ["assistant", "short: messages", "p50 ms", "p99 ms", "long: messages", "p50 ms"]
            + ["p99 ms", "errors"],
            mixed,
        ),
    ]


def _profile(b: Benchmark, f: dict[str, float]) -> list[str]:
    p = b.serving.profile
    if p is None:
        return []
    if p.error or not p.samples:
        return ["## Profile under load\n", f"py-spy did not sample: {p.error or 'no samples'}.\n"]
    rows = [[phase, f"{n / p.samples:.1%}", _n(p.ms_per_message(n))] for phase, n in p.phases]
    libraries = ", ".join(f"{lib} {n / p.samples:.0%}" for lib, n in p.libraries)
    return [
        "## Profile under load\n",
        f"py-spy, {SAMPLES_PER_SECOND} samples/s of the Rasa server: {p.samples:,} samples over "
        f"{p.messages:,} messages at {LOAD_CONCURRENCY} conversations ({_n(p.throughput)} msg/s "
        f"while sampled; Rasa CPU at 20 conversations: {_n(f.get('rasa_cpu_ms_20'))} ms/msg).\n",
        *_table(["phase of the turn", "share of samples", "ms per message"], rows),
        f"Samples inside a library, across phases: {libraries or '—'}.\n",
        *_table(
            ["hottest innermost frame", "share of samples"],
            [[f"`{frame}`", f"{n / p.samples:.1%}"] for frame, n in p.hottest],
        ),
        f"Raw stacks: `{p.raw_file.removeprefix(f'{ROOT}/')}` (collapsed-stack format).\n",
    ]


def _accuracy(b: Benchmark) -> list[str]:
    a, out = b.accuracy, ["## Accuracy\n"]
    if a is None:
        return out + ["Not measured.\n"]
    if h := a.dev_set:
        out += [
            f"Dev set (evaluation/nlu_dev.yml, {h.total} messages) through the deployed "
            f"pipeline: in-scope intent accuracy {_pct(h.in_scope_accuracy)}, out-of-scope "
            f"rejection {_pct(h.out_of_scope_rejection)}, red-flag recall "
            f"{_pct(h.red_flag_recall)} of {h.red_flag_count}.\n"
        ]
        if h.specific_answer_chars:
            out += [
                f"Median answer to a specific question (part of a section, "
                f"{len(h.specific_answer_chars)} of them): "
                f"{h.median_specific_answer_chars:.0f} characters without the disclaimer.\n"
            ]
    if a.red_flags:
        out += [
            "Red flags (evaluation/red_flags_*.yml): the matcher alone (nlp/red_flags.py), "
            "the detector the channels answer from at once (nlp/red_flag_detector.py: the "
            "matcher and the classifier; the classifier learns from dev and extra dev) and "
            "the deployed pipeline (DIET + guard).\n"
        ]
        rows = [
            [
                name,
                _pct(r.recall),
                str(r.emergencies),
                _pct(r.false_alarm_rate),
                str(r.near_misses),
                _pct(r.crisis_kind_accuracy),
            ]
            for name, r in a.red_flags.items()
        ]
        out += _table(
            ["set / path", "recall", "emergencies", "false alarms", "near-misses", "crisis reply"],
            rows,
        )
        categories = sorted({c for r in a.red_flags.values() for c in r.per_category})
        out += _table(
            ["category", *a.red_flags],
            [
                [c]
                + [
                    "{}/{}".format(*r.per_category[c]) if c in r.per_category else ""
                    for r in a.red_flags.values()
                ]
                for c in categories
            ],
        )
    rows = [
        [name, _pct(r["accuracy"]), _n(r["macro_f1"], 3), _n(r["weighted_f1"], 3)]
        + [", ".join(f"{intent} {f1:.2f}" for f1, intent in r["lowest_f1"])]
        for name, r in a.rasa_reports.items()
    ]
    out += _table(["Rasa's NLU test", "accuracy", "macro-F1", "weighted F1", "lowest F1"], rows)
    for name, r in a.rasa_reports.items():
        if "cross-validation" in name and r.get("per_intent"):
            by_f1 = sorted(r["per_intent"].items(), key=lambda item: item[1])
            out += [
                f"F1 by intent ({name}): " + ", ".join(f"{i} {f:.2f}" for i, f in by_f1) + ".\n"
            ]
    if c := a.conversations:
        out += [
            f"Conversation tests (tests/conversations): {c['correct']} of {c['total']} correct, "
            f"action accuracy {_pct(c['action_accuracy'])}.\n"
        ]
    out += [f"Rasa's plots of the dev set: {', '.join(a.plots)} (in reports/).\n"] * bool(a.plots)
    return out + [f"Failed: {'; '.join(a.failures)}\n"] * bool(a.failures)


def _experiments(b: Benchmark) -> list[str]:
    if not b.experiments:
        return []
    medians = {e.name: {k: median(v) for k, v in e.rounds().items()} for e in b.experiments}
    rows = []
    for e in b.experiments:
        if e.error:
            rows.append([e.name, e.error] + [""] * 6)
            continue
        base, m = medians["baseline"], medians[e.name]
        change = [_change(base[k], m[k]) for k in ("throughput_20", "rasa_cpu_ms")]
        rows.append(
            [e.name, e.overrides, *(_mid(values) for values in e.rounds().values())]
            + [str(sum(r.error_count for r in e.loaded))]
            + [" / ".join("—" if c != c else f"{c:+.0f} %" for c in change), _n(e.rss_mb, 0)]
        )
    header = ["experiment", "overrides applied", "REST p50 ms", "msg/s at 20", "Rasa CPU ms/msg"]
    return [
        "## Against stock Rasa\n",
        "Stacks started together, then measured in turns: medians of the rounds, their range "
        "in brackets; change: msg/s and Rasa CPU against the baseline.\n",
        *_table(header + ["errors", "change", "RSS MB"], rows),
        *(f"- **{name}**: {what}." for name, (what, _) in EXPERIMENTS.items()),
        "",
    ]


def to_json(value: Any) -> Any:
    """Runs as their figures (not every latency); NaN, which JSON lacks, as null."""
    if isinstance(value, LoadRun):
        return to_json(value.summary())
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return {field.name: to_json(getattr(value, field.name)) for field in fields}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value if isinstance(value, (str, int, type(None))) else str(value)


def write_all(b: Benchmark, latest: Path | None) -> Path:
    """The JSON and the markdown, and a copy of the markdown in `latest` for the docs."""
    b.reports.mkdir(parents=True, exist_ok=True)
    f = figures(b)
    parts = ("sizes", "serving", "training", "accuracy", "experiments", "long")
    data = {**b.results, "machine": machine(), "figures": f, **{k: getattr(b, k) for k in parts}}
    (b.reports / "benchmark.json").write_text(json.dumps(to_json(data), indent=2))
    text = "\n".join(markdown(b, f)) + "\n"
    summary = b.reports / "benchmark.md"
    summary.write_text(text, encoding="utf-8")
    if latest:
        header = "<!-- Copied from reports/benchmark.md by `python -m bench.run` after a "
        header += "complete full run; do not edit by hand. -->\n\n"
        latest.write_text(header + text, encoding="utf-8")
    return summary

"""Turns the results into reports/benchmark.json, reports/benchmark.md and the plots.

`figures()` flattens everything into one dict of named numbers (the JSON's "figures"),
which both the goal table and the markdown read, so the two never disagree.
"""
from __future__ import annotations

import json
import os
import platform
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench import plots
from bench.accuracy import AccuracyResults
from bench.client import LoadRun, median_cpu_ms, median_of
from bench.procs import cpu_model, memory_total_bytes
from bench.profile import SAMPLES_PER_SECOND
from bench.serving import ServingResults
from bench.settings import BUSY_OTHER_CORES, CONCURRENCY_LEVELS, GOALS, Sizes
from bench.stats import median, spread
from bench.training import TrainingResults

NAN = float("nan")


# --- figures ---------------------------------------------------------------------------------

def serving_figures(s: ServingResults) -> Dict[str, float]:
    f: Dict[str, float] = {}
    for name, runs in (("rest", s.rest), ("nlu", s.nlu), ("action", s.action)):
        for q in (50, 90, 99):
            f[f"{name}_p{q}_ms"] = median_of(runs, lambda r, q=q: r.p(q))
    f["rest_errors"] = sum(r.error_count for r in s.rest)
    f["rest_rasa_cpu_ms"] = median_cpu_ms(s.rest, "rasa")
    for level, runs in s.levels.items():
        f[f"throughput_{level}"] = median_of(runs, lambda r: r.throughput)
        for q in (50, 90, 99):
            f[f"p{q}_{level}_ms"] = median_of(runs, lambda r, q=q: r.p(q))
        f[f"errors_{level}"] = sum(r.error_count for r in runs)
        f[f"rasa_cpu_ms_{level}"] = median_cpu_ms(runs, "rasa")
        f[f"actions_cpu_ms_{level}"] = median_cpu_ms(runs, "actions")
        f[f"client_cpu_ms_{level}"] = median_cpu_ms(runs, "client")
    if s.cold_starts:
        f["cold_start_s"] = median(c.total for c in s.cold_starts)
        f["cold_start_rasa_ready_s"] = median(c.rasa_ready for c in s.cold_starts)
    memory = s.memory
    if memory:
        start = memory[0]
        warm = next((m for m in memory if m.phase == "after warm-up"), start)
        end = memory[-1]
        f.update(
            rss_start_mb=start.total_mb, rss_warm_mb=warm.total_mb, rss_end_mb=end.total_mb,
            rss_rasa_end_mb=end.rasa_mb, rss_actions_end_mb=end.actions_mb,
            rss_total_mb=max(m.total_mb for m in memory),
            rss_drift_pct=100 * (end.total_mb - warm.total_mb) / warm.total_mb if warm.total_mb else NAN,
            rss_drift_from_start_pct=100 * (end.total_mb - start.total_mb) / start.total_mb if start.total_mb else NAN,
            soak_messages=end.messages,
        )
    if s.soak:
        f["soak_throughput"] = s.soak.throughput
        f["soak_errors"] = s.soak.error_count
    return f


def figures(serving: ServingResults, training: Optional[TrainingResults],
            accuracy: Optional[AccuracyResults]) -> Dict[str, float]:
    f = serving_figures(serving)
    if training:
        f.update(train_full_s=training.full_median, train_nlu_s=training.nlu_median,
                 model_mb=training.model_mb, deployed_model_mb=training.deployed_model_mb)
    if accuracy and accuracy.holdout:
        h = accuracy.holdout
        f.update(holdout_in_scope_accuracy=h.in_scope_accuracy, holdout_macro_f1=h.macro_f1,
                 holdout_oos_rejection=h.out_of_scope_rejection, holdout_red_flag_recall=h.red_flag_recall)
    if accuracy and accuracy.cross_validation:
        f.update(cv_macro_f1=accuracy.cross_validation.get("macro_f1") or NAN,
                 cv_weighted_f1=accuracy.cross_validation.get("weighted_f1") or NAN)
    return f


def goal_rows(f: Dict[str, float]) -> List[Dict[str, Any]]:
    return [{"key": g.key, "goal": g.label, "target": g.describe(), "value": f.get(g.key),
             "met": g.check(f.get(g.key))} for g in GOALS]


# --- markdown ----------------------------------------------------------------------------------

def _n(value: Optional[float], digits: int = 1, unit: str = "") -> str:
    if value is None or value != value:
        return "—"
    return f"{value:,.{digits}f}{(' ' + unit) if unit else ''}"


def _pct(value: Optional[float]) -> str:
    return "—" if value is None or value != value else f"{100 * value:.1f} %"


def _verdict(met: Optional[bool]) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


def _range(runs: List[LoadRun], metric) -> str:
    return spread([metric(r) for r in runs])


def machine() -> Dict[str, Any]:
    return {"cores": os.cpu_count(), "memory_gb": round(memory_total_bytes() / 1e9, 1), "cpu": cpu_model(),
            "python": platform.python_version(), "os": platform.platform()}


def _busy_note(results: Dict[str, Any], serving: ServingResults, training: Optional[TrainingResults],
               experiments: List[Any]) -> str:
    """How many cores other processes kept busy during each timed part (median of its runs)."""
    parts = {
        "the latency runs": [r.cpu.other_cores for r in serving.rest if r.cpu],
        "the throughput runs": [r.cpu.other_cores for runs in serving.levels.values() for r in runs if r.cpu],
        "training": [o for values in (training.other_cores.values() if training else []) for o in values],
        "the experiments": [r.cpu.other_cores for e in experiments for r in e.sequential + e.loaded if r.cpu],
    }
    medians = {name: median(values) for name, values in parts.items() if values}
    if not medians:
        return ""
    note = ("Other processes on the machine kept busy, on average, "
            + ", ".join(f"{cores:.2f} cores during {name}" for name, cores in medians.items())
            + f"; load average {results['load_average_start']:.2f} at the start, "
              f"{results['load_average_end']:.2f} at the end.")
    busy = [name for name, cores in medians.items() if cores > BUSY_OTHER_CORES]
    if busy:
        note += (f" **The machine was busy during {', '.join(busy)}**: those wall-clock figures are pessimistic; "
                 "CPU time per message (not affected by waiting for a core) is the steadier guide.")
    return note


def markdown(sizes: Sizes, results: Dict[str, Any], f: Dict[str, float], serving: ServingResults,
             training: Optional[TrainingResults], accuracy: Optional[AccuracyResults],
             experiments: List[Any], rows: List[Dict[str, Any]], plot_files: List[str]) -> str:
    m = machine()
    out: List[str] = []
    add = out.append
    add("# Benchmark of the mesotherapy assistant\n")
    add(f"Run {results['started']} ({sizes.name} mode{', **interrupted**' if results.get('interrupted') else ''}), "
        f"{results['duration_s'] / 60:.1f} minutes. Machine: {m['cores']} cores, {m['memory_gb']} GB memory, "
        f"{m['cpu']}; Python {m['python']}, Rasa 3.6.21. Produced by `python -m bench.run"
        f"{' --quick' if sizes.name == 'quick' else ''}`; docs/benchmarks.md explains each figure.\n")
    note = _busy_note(results, serving, training, experiments)
    if note:
        add(note + "\n")
    if results["failures"]:
        add("**Parts that failed** (their figures are missing):\n")
        out.extend(f"- {failure}" for failure in results["failures"])
        add("")

    add("## Goals\n")
    add("| goal | target | measured | |")
    add("| --- | --- | --- | --- |")
    for row in goal_rows(f):
        goal = next(g for g in GOALS if g.key == row["key"])
        digits = 0 if row["key"] in ("errors_20", "rss_total_mb") else 1
        add(f"| {row['goal']} | {row['target']} | {_n(row['value'], digits, goal.unit)} | {_verdict(row['met'])} |")
    if sizes.name == "quick":
        add(f"\n(--quick: the drift is over {int(f.get('soak_messages', 0)):,} messages, not 10,000.)")
    add("")

    _where_time_goes(add, results, f, serving, experiments)
    _profile(add, f, serving)
    _latency(add, sizes, f, serving)
    _throughput(add, f, serving)
    _memory(add, sizes, f, serving)
    _training(add, f, training, serving)
    _accuracy(add, accuracy)
    _experiments(add, rows, experiments)
    _findings(add, f, results, rows)

    add("## Plots\n")
    captions = {
        "latency_histogram.png": "REST latency at one conversation (all repeats) against NLU-only parse latency; "
                                 "dashed lines: the p50 and p99 goals.",
        "throughput_concurrency.png": "Throughput (left) and p99 latency (right) against concurrent conversations; "
                                      "bars show the spread of the repeats.",
        "memory.png": "Resident memory of the Rasa server and the action server against messages answered.",
        "experiments.png": "Each experiment's REST p50 and throughput at 20 conversations, next to the baseline.",
        "intent_confusion_matrix.png": "Rasa's intent confusion matrix on the held-out set (classifier view).",
        "intent_histogram.png": "Rasa's confidence histogram on the held-out set: correct (blue) and wrong (red).",
    }
    for name in plot_files:
        add(f"![{name}]({name})\n\n{captions.get(name, '')}\n")
    return "\n".join(out) + "\n"


def _where_time_goes(add, results, f, serving, experiments) -> None:
    add("## Where the time goes\n")
    rest, nlu, action = f.get("rest_p50_ms", NAN), f.get("nlu_p50_ms", NAN), f.get("action_p50_ms", NAN)
    probe = results.get("probe") or {}
    commits = results.get("sqlite_commit") or {}
    validate = probe.get("project_validate_ms", NAN)
    mode = f"{probe.get('sqlite_journal_mode', '?')}+{probe.get('sqlite_synchronous', '?')}"
    commit = commits.get(mode, NAN)
    add("One message through the REST webhook, one conversation at a time (p50s of separate measurements, so "
        "the parts add up only roughly; small talk is answered without the action server):\n")
    add("| part of a turn | ms | how it was measured |")
    add("| --- | --- | --- |")
    add(f"| NLU pipeline | {_n(nlu)} | `POST /model/parse` p50 |")
    add(f"| action server round trip | {_n(action)} | its `/webhook` alone, p50 |")
    add(f"| Rasa validating the action server's response | {_n(validate, 2)} | CPU time in a process that loaded the "
        "project's channels, as `rasa run` does (bench/probe.py) |")
    add(f"| one SQLite commit of the turn ({mode}) | {_n(commit, 2)} | the tracker store's SQLite settings "
        "(from the same probe), on this disk |")
    add(f"| the rest: tracker load/save in Python, policies, channel, HTTP | ≈{_n(rest - nlu - action - validate - commit)} "
        "| the difference |")
    add(f"| **whole turn** | **{_n(rest)}** | REST webhook p50 |\n")
    if probe:
        where = ("the project's validator built once (`channels.rasa_fixes`)"
                 if probe.get("validation_function", "").startswith("channels") else "Rasa's own code")
        add(f"Action-response validation runs in {where}: {_n(validate, 2)} ms of CPU per custom-action answer. "
            f"Rasa 3.6 as shipped calls `jsonschema.validate()`, which re-checks the events schema against the JSON "
            f"Schema meta-schema on every call: {_n(probe.get('stock_validate_ms'))} ms.\n")
    if commits:
        add("One commit of a turn's events on this disk: " + ", ".join(
            f"{name} {_n(ms, 2)} ms" for name, ms in commits.items())
            + " (journal mode + synchronous level; Rasa's default is delete+FULL). Rasa runs SQLAlchemy "
            "synchronously on its event loop, so while one turn waits for the disk, every conversation waits.\n")
    cpu20 = f.get("rasa_cpu_ms_20", NAN)
    if cpu20 == cpu20:
        add(f"Under load the Rasa process uses {_n(cpu20)} ms of CPU per message (at 20 conversations). It serves "
            "from one Python event loop (one Sanic worker), so it cannot answer more than about "
            f"{_n(1000 / cpu20, 0)} messages/s on one core, however many conversations wait. The action server "
            f"needs {_n(f.get('actions_cpu_ms_20'))} ms per message and the load generator "
            f"{_n(f.get('client_cpu_ms_20'))} ms. `SANIC_WORKERS` > 1 is refused by Rasa unless the lock store is "
            "shared (Redis): with the default in-memory lock store it silently keeps one worker.\n")


def _profile(add, f, serving: ServingResults) -> None:
    profile = serving.profile
    if profile is None:
        return
    add("## Profile under load\n")
    if profile.error or not profile.samples:
        add(f"py-spy could not sample the Rasa server: {profile.error or 'no samples'}.\n")
        return
    add(f"py-spy sampled the Rasa server's Python stacks {SAMPLES_PER_SECOND} times a second while it answered "
        f"{profile.messages:,} messages at 20 conversations ({_n(profile.throughput)} msg/s while sampled, "
        f"{profile.samples:,} samples). Each sample is counted in the phase of Rasa's turn it was in; "
        "\"ms per message\" is the sampled time divided by the messages (waiting included), to compare with "
        f"the Rasa CPU per message measured from /proc ({_n(f.get('rasa_cpu_ms_20'))} ms at 20 "
        "conversations).\n")
    add("| phase of the turn | share of samples | ms per message |")
    add("| --- | --- | --- |")
    for phase, count in profile.phases:
        add(f"| {phase} | {count / profile.samples:.1%} | {_n(profile.ms_per_message(count))} |")
    add("")
    if profile.libraries:
        add("Across the phases: " + ", ".join(f"{library} {count / profile.samples:.0%}"
                                                for library, count in profile.libraries)
            + " of the samples (Rasa runs the NLU pipeline and the policies as a dask graph).\n")
    add("Hottest innermost frames (where the process was when sampled):\n")
    add("| frame | share of samples |")
    add("| --- | --- |")
    for frame, count in profile.hottest[:8]:
        add(f"| `{frame}` | {count / profile.samples:.1%} |")
    add("")
    add(f"Raw stacks: `reports/{Path(profile.raw_file).name}` (collapsed stacks: a flame graph with "
        "`flamegraph.pl`, or open the file in https://www.speedscope.app).\n")


def _latency(add, sizes, f, serving) -> None:
    add(f"## Latency, one conversation at a time\n")
    kinds = ", ".join(f"{kind} {share:.0%}" for kind, share in serving.latency_mix.items())
    add(f"{sizes.latency_messages} messages of scripted conversations (bench/workload.py: {kinds}), "
        f"each run {sizes.latency_repeats}×; medians of the runs, range of the runs in brackets.\n")
    add("| path | p50 | p90 | p99 | errors |")
    add("| --- | --- | --- | --- | --- |")
    for name, label, runs in (("rest", "REST webhook (whole turn)", serving.rest),
                              ("nlu", "NLU only (`POST /model/parse`)", serving.nlu),
                              ("action", "action server alone (`POST /webhook`)", serving.action)):
        cells = []
        for q in (50, 90, 99):
            r = _range(runs, lambda run, q=q: run.p(q))
            cells.append(f"{_n(f.get(f'{name}_p{q}_ms'))} ms" + (f" ({r})" if r else ""))
        add(f"| {label} | {' | '.join(cells)} | {sum(r.error_count for r in runs)} |")
    others = [f"{r.cpu.other_cores:.2f}" for r in serving.rest if r.cpu]
    if others:
        add(f"\nOther processes kept {', '.join(others)} cores busy during the REST runs, in order: a run with a "
            "high figure is the one with the slow tail.")
    add("")


def _throughput(add, f, serving) -> None:
    add("## Throughput and tail latency\n")
    add("Each simulated patient sends a conversation's messages in turn, each after the previous reply "
        "(no think time), a new conversation when one ends. Medians of the repeats.\n")
    add("| conversations | messages/s | p50 | p90 | p99 | errors | Rasa CPU / msg | other load (cores) |")
    add("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for level in CONCURRENCY_LEVELS:
        runs = serving.levels.get(level, [])
        if not runs:
            continue
        r = _range(runs, lambda run: run.throughput)
        others = median(run.cpu.other_cores for run in runs if run.cpu)
        add(f"| {level} | {_n(f.get(f'throughput_{level}'))}{f' ({r})' if r else ''} | "
            f"{_n(f.get(f'p50_{level}_ms'), 0)} ms | {_n(f.get(f'p90_{level}_ms'), 0)} ms | "
            f"{_n(f.get(f'p99_{level}_ms'), 0)} ms | {int(f.get(f'errors_{level}', 0))} | "
            f"{_n(f.get(f'rasa_cpu_ms_{level}'))} ms | {_n(others, 2)} |")
    add(f"\nMessages per run: {', '.join(f'{c}: {runs[0].messages}' for c, runs in serving.levels.items() if runs)}."
        " Errors are HTTP errors, timeouts, empty replies and the channel's \"can't answer right now\" reply.\n")


def _memory(add, sizes, f, serving) -> None:
    add("## Memory\n")
    if not serving.memory:
        add("Not measured.\n")
        return
    add("Resident memory (RSS, MB = 10⁶ bytes) of each server's process group, read from /proc. Every REST "
        "message the main stack answered counts: warm-up, latency runs, throughput runs, then a soak at 20 "
        "conversations" + (f" (Rasa's test commands ran alongside the soak: {serving.soak_ran_alongside})"
                          if serving.soak_ran_alongside else "") + ".\n")
    add("| when | messages | Rasa server | action server | together |")
    add("| --- | --- | --- | --- | --- |")
    for sample in serving.memory:
        if sample.phase == "soak":
            continue
        add(f"| {sample.phase} | {sample.messages:,} | {sample.rasa_mb:.0f} | {sample.actions_mb:.0f} | "
            f"{sample.total_mb:.0f} |")
    text = (f"\nDrift over the soak: {_n(f.get('rss_drift_pct'), 1)} % from after the warm-up to the end "
            f"({_n(f.get('rss_drift_from_start_pct'), 1)} % from right after start, which includes first-use "
            f"allocations). Peak together: {_n(f.get('rss_total_mb'), 0)} MB.")
    if serving.soak:
        text += (f" The soak ran at {_n(f.get('soak_throughput'))} messages/s with {int(f.get('soak_errors', 0))} "
                 "errors (a memory test: its rate is not a throughput figure).")
    add(text + "\n")


def _training(add, f, training, serving) -> None:
    add("## Training, model size, cold start\n")
    if training:
        def runs(kind: str, seconds: List[float]) -> str:
            others = training.other_cores.get(kind, [])
            return ", ".join(f"{s:.1f} s with {o:.2f} other cores busy" for s, o in zip(seconds, others))
        add(f"- Full training (`rasa train --force`, empty cache): {_n(f.get('train_full_s'))} s "
            f"(runs: {runs('full', training.full_seconds)}).")
        add(f"- NLU-only training (`rasa train nlu`, empty cache): {_n(f.get('train_nlu_s'))} s "
            f"(runs: {runs('nlu', training.nlu_seconds)}). DIET's 50 epochs are most of either; on a busy "
            "machine the two can come out in either order.")
        add(f"- Model size: {_n(f.get('model_mb'))} MB (models/mesotherapy.tar.gz: {_n(f.get('deployed_model_mb'))} MB).")
    if serving.cold_starts:
        runs = ", ".join(f"{c.total:.1f}" for c in serving.cold_starts)
        add(f"- Cold start, from starting the action server to the first answer through REST (as `make run`): "
            f"{_n(f.get('cold_start_s'))} s (runs: {runs}); the Rasa server alone is ready "
            f"{_n(median(c.rasa_ready - c.action_server_ready for c in serving.cold_starts))} s after it is "
            "started, most of it loading TensorFlow and the DIET model.")
    add("")


def _accuracy(add, accuracy: Optional[AccuracyResults]) -> None:
    add("## Accuracy\n")
    if not accuracy:
        add("Not measured.\n")
        return
    h = accuracy.holdout
    if h:
        add(f"Held-out set (tests/nlu_holdout.yml, {h.total} messages, never used for training), through the "
            "deployed pipeline (fallback and red-flag guard included):\n")
        add(f"- in-scope intent accuracy {_pct(h.in_scope_accuracy)}, macro-F1 {h.macro_f1:.3f}")
        add(f"- out-of-scope rejection {_pct(h.out_of_scope_rejection)}")
        add(f"- red-flag recall {_pct(h.red_flag_recall)} of {h.red_flag_count}\n")
    r = accuracy.rasa_holdout_report
    if r:
        add(f"`rasa test nlu` on the same set (the classifier alone: Rasa undoes fallback predictions): accuracy "
            f"{_pct(r.get('accuracy'))}, macro-F1 {_n(r.get('macro_f1'), 3)}, weighted F1 {_n(r.get('weighted_f1'), 3)}.\n")
    cv = accuracy.cross_validation
    if cv:
        add(f"{cv['folds']}-fold cross-validation on data/nlu.yml (test folds): macro-F1 {_n(cv.get('macro_f1'), 3)}, "
            f"weighted F1 {_n(cv.get('weighted_f1'), 3)}, accuracy {_pct(cv.get('accuracy'))}.\n")
        worst = sorted((cv.get("per_intent_f1") or {}).items(), key=lambda item: item[1])[:4]
        if h and cv.get("macro_f1") is not None and h.macro_f1 - cv["macro_f1"] > 0.1:
            add(f"**The held-out figures are much better than cross-validation** (macro-F1 {h.macro_f1:.3f} against "
                f"{cv['macro_f1']:.3f}): the models fit their training folds, but many phrasings of data/nlu.yml that "
                "were left out of training are misread, the worst intents being "
                + ", ".join(f"{name} ({score:.2f})" for name, score in worst)
                + ". Expect new patients' phrasings to do worse than the held-out set suggests; more training "
                "examples for these intents is the usual remedy (see docs/benchmarks.md).\n")
    c = accuracy.conversations
    if c and c.get("conversation_accuracy"):
        ca = c["conversation_accuracy"]
        add(f"Conversation tests (tests/test_stories.yml): {ca.get('correct')} of {ca.get('total')} stories correct, "
            f"action accuracy {_pct(c.get('action_accuracy'))}.\n")
    if accuracy.failures:
        add("Failed: " + "; ".join(accuracy.failures) + "\n")


def _main_stack_row(f: Dict[str, float], serving: ServingResults) -> Dict[str, Any]:
    """The main stack's figures in the shape of an experiment's, for runs without a baseline experiment."""
    end = serving.memory[-1] if serving.memory else None
    return {"name": "baseline (main stack)", "error": "", "rest_p50_ms": f.get("rest_p50_ms", NAN),
            "rest_p99_ms": f.get("rest_p99_ms", NAN), "throughput_20": f.get("throughput_20", NAN),
            "p99_20_ms": f.get("p99_20_ms", NAN), "errors_20": int(f.get("errors_20", 0)),
            "rasa_cpu_ms_per_msg": f.get("rasa_cpu_ms_20", NAN),
            "rss_mb": {"rasa": end.rasa_mb, "actions": end.actions_mb} if end else {}}


def experiment_rows(f: Dict[str, float], serving: ServingResults, experiments: List[Any]) -> List[Dict[str, Any]]:
    rows = [e.figures() for e in experiments]
    if rows and not any(r["name"] == "baseline" for r in rows):
        rows.insert(0, _main_stack_row(f, serving))
    return rows


def _experiments(add, rows: List[Dict[str, Any]], experiments: List[Any]) -> None:
    if not experiments:
        return
    add("## Experiments\n")
    add("The same assistant started with different settings (environment only; changes to Rasa's code through "
        "bench/patches/sitecustomize.py on that stack's PYTHONPATH, never in the project). The stacks were "
        "started first, then measured in turns, so a busy moment hits all of them; medians of the rounds. "
        "Rasa CPU per message is the figure least disturbed by other work on the machine.\n")
    add("| experiment | REST p50 | REST p99 | msg/s at 20 | p99 at 20 | errors | Rasa CPU / msg | RSS together |")
    add("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for e in rows:
        if e["error"]:
            add(f"| {e['name']} | {e['error']} | | | | | | |")
            continue
        rss = sum(e["rss_mb"].values()) if e["rss_mb"] else NAN
        thr = spread((e.get("rounds") or {}).get("throughput_20", []))
        cpu = spread((e.get("rounds") or {}).get("rasa_cpu_ms_per_msg", []))
        add(f"| {e['name']} | {_n(e['rest_p50_ms'])} ms | {_n(e['rest_p99_ms'])} ms | {_n(e['throughput_20'])}"
            f"{f' ({thr})' if thr else ''} | {_n(e['p99_20_ms'], 0)} ms | {e['errors_20']} | "
            f"{_n(e['rasa_cpu_ms_per_msg'])} ms{f' ({cpu})' if cpu else ''} | {_n(rss, 0)} MB |")
    add("\nIn brackets: the lowest and highest of the rounds.\n")
    for result in experiments:
        add(f"- **{result.name}**: {result.what}.")
    add("")


def _compare(base: Dict[str, Any], other: Dict[str, Any]) -> str:
    return (f"REST p50 {_n(base['rest_p50_ms'])} → {_n(other['rest_p50_ms'])} ms, p99 {_n(base['rest_p99_ms'])} → "
            f"{_n(other['rest_p99_ms'])} ms; at 20 conversations {_n(base['throughput_20'])} → "
            f"{_n(other['throughput_20'])} msg/s; Rasa CPU {_n(base['rasa_cpu_ms_per_msg'])} → "
            f"{_n(other['rasa_cpu_ms_per_msg'])} ms per message")


MIN_EFFECT = 0.05  # smaller changes are not worth a change to the project, even when real


def _clear_change(before: Dict[str, Any], after: Dict[str, Any], key: str) -> Optional[float]:
    """Relative change of a figure when it is at least MIN_EFFECT and the rounds of the two do
    not overlap, else None: overlapping rounds are within what the machine's other work does
    to one configuration."""
    b, a = before.get(key, NAN), after.get(key, NAN)
    rb = (before.get("rounds") or {}).get(key) or [b]
    ra = (after.get("rounds") or {}).get(key) or [a]
    if b != b or a != a or not b or (max(ra) >= min(rb) and max(rb) >= min(ra)):
        return None
    change = (a - b) / b
    return change if abs(change) >= MIN_EFFECT else None


def _effect(before: Dict[str, Any], after: Dict[str, Any]) -> str:
    parts = []
    for key, label in (("throughput_20", "throughput at 20"), ("rest_p50_ms", "REST p50"),
                       ("rasa_cpu_ms_per_msg", "Rasa CPU per message")):
        change = _clear_change(before, after, key)
        if change is not None:
            parts.append(f"{label} {change:+.0%}")
    return ("clear change: " + ", ".join(parts)) if parts else \
        f"no change of {MIN_EFFECT:.0%} or more beyond the spread of the rounds"


def _helps(before: Dict[str, Any], after: Dict[str, Any]) -> bool:
    """A clear improvement in at least one figure and a clear regression in none."""
    changes = {key: _clear_change(before, after, key)
               for key in ("throughput_20", "rest_p50_ms", "rasa_cpu_ms_per_msg")}
    better = {"throughput_20": 1, "rest_p50_ms": -1, "rasa_cpu_ms_per_msg": -1}
    signs = [better[key] * change for key, change in changes.items() if change is not None]
    return bool(signs) and all(sign > 0 for sign in signs)


def _findings(add, f, results, all_rows: List[Dict[str, Any]]) -> None:
    rows = {r["name"]: r for r in all_rows if not r["error"]}
    base = rows.get("baseline") or rows.get("baseline (main stack)")
    if not base:
        return
    add("## Findings and proposed changes\n")
    missed = [g.label for g in GOALS if g.check(f.get(g.key)) is False]
    add(("Goals missed: " + "; ".join(missed) + ".") if missed else "Every goal measured here was met.")
    add("")
    probe = results.get("probe") or {}
    stock = rows.get("without-rasa-fixes")
    if stock:
        add(f"- **What channels/rasa_fixes.py buys** (action responses validated by a validator built once), "
            f"against Rasa 3.6 as shipped: {_compare(stock, base)}.")
    elif probe.get("validation_function") == "rasa.core.actions.action":
        add(f"- **Rasa validates every action-server response with `jsonschema.validate()`** "
            f"({_n(probe.get('stock_validate_ms'))} ms of CPU per answer). **Proposed**: replace "
            "`RemoteAction._validate_action_result` with one that calls `.validate(result)` on "
            "`jsonschema.validators.validator_for(schema)(schema)` built once at import.")
    rasa_store = rows.get("rasa-sql-tracker-store")
    if rasa_store:
        add(f"- **What stores/sqlite_tracker_store.py buys** (pooled connections, no second count of the stored "
            f"events at save, write-ahead log), against Rasa's own SQL tracker store on SQLite: "
            f"{_compare(rasa_store, base)}; {_effect(rasa_store, base)}.")
    memory, normal = rows.get("in-memory-tracker"), rows.get("sqlite-synchronous-normal")
    if memory:
        add(f"- **The tracker store is still the largest cost after NLU.** Without it (in-memory tracker store, a "
            f"diagnostic only: conversations would not survive a restart): {_compare(base, memory)}. Loading a "
            "conversation means an SQL query, JSON decoding and replaying every event of the session into a "
            "tracker; saving means inserting and committing the new events, all on the event loop.")
    if normal:
        verdict = ("**Proposed** if losing the last commits on a power cut is acceptable (a crash of the process "
                   "loses nothing): `PRAGMA synchronous=NORMAL` in stores/sqlite_tracker_store.py"
                   if _helps(base, normal) else "Not worth giving up durability for on this evidence")
        add(f"- **synchronous=NORMAL** (no fsync per commit in WAL mode): {_compare(base, normal)}; "
            f"{_effect(base, normal)}. {verdict}.")
    threads = rows.get("tf-1-thread")
    if threads:
        add(f"- **TensorFlow thread settings** (one intra-op and one inter-op thread): {_compare(base, threads)}; "
            f"{_effect(base, threads)}. DIET's tensors per message are tiny: Rasa's Python work per turn, not "
            "TensorFlow's thread pools, is where the time goes.")
    add("- **One event loop.** Rasa answers from a single Sanic worker, so throughput is about 1000 ÷ (Rasa CPU ms "
        "per message) at best. Beyond one core it needs more Rasa processes, which Rasa allows only with a shared "
        "lock store (Redis) and tracker store (the deploy/ profile). On this 2-core machine those processes would "
        "also share the cores with the action server and the clients.")
    add("")


# --- files -------------------------------------------------------------------------------------

def write_all(reports: Path, sizes: Sizes, results: Dict[str, Any], serving: ServingResults,
              training: Optional[TrainingResults], accuracy: Optional[AccuracyResults],
              experiments: List[Any]) -> Path:
    reports.mkdir(parents=True, exist_ok=True)
    f = figures(serving, training, accuracy)
    rows = experiment_rows(f, serving, experiments)
    plot_files = plots.draw_all(reports, serving, rows)
    plot_files += [p for p in (accuracy.plots if accuracy else [])]
    data = {
        **results, "machine": machine(), "sizes": asdict(sizes), "figures": f, "goals": goal_rows(f),
        "serving": serving.as_dict(), "training": training.as_dict() if training else None,
        "accuracy": accuracy.as_dict() if accuracy else None,
        "experiments": rows, "plots": plot_files,
    }
    (reports / "benchmark.json").write_text(json.dumps(_clean(data), indent=2, default=str), encoding="utf-8")
    summary = reports / "benchmark.md"
    summary.write_text(markdown(sizes, results, f, serving, training, accuracy, experiments, rows, plot_files),
                       encoding="utf-8")
    return summary


def _clean(value: Any) -> Any:
    """JSON has no NaN: a figure that was not measured becomes null."""
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def copy_for_docs(summary: Path, target: Path) -> None:
    """docs/benchmark-latest.md: the summary, with the plots (in the gitignored reports/)
    turned into links a reader can follow after running the benchmark."""
    text = summary.read_text(encoding="utf-8")
    text = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", r"Plot: [`reports/\2`](../reports/\2) (created by `make bench`; not in git)", text)
    header = ("<!-- Copied from reports/benchmark.md by `python -m bench.run` after a complete full run; "
              "do not edit by hand. -->\n\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + text, encoding="utf-8")

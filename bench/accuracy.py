"""Accuracy: the dev set through the running stack, and Rasa's own test commands.

The dev-set figures are evaluation.holdout's `score()`, the tests' own, on predictions from
the stack's `POST /model/parse`. That calls the same `Agent.parse_message` as
`holdout.predict()`, so the whole deployed pipeline counts (fallback, red-flag guard), and
the load generator never loads the model itself.

`rasa test nlu` rates the classifier alone (it undoes fallback predictions), the figure to
compare with cross-validation. Each Rasa command gets a fresh RASA_CACHE_DIRECTORY, so the
project's .rasa/cache is left alone.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.client import parse_error
from bench.procs import bench_env, run_command
from bench.serving import BenchStack
from evaluation import red_flags
from evaluation.holdout import (
    HOLDOUT,
    HoldoutReport,
    holdout_examples,
    score,
    specific_answer_chars,
)
from evaluation.red_flags import RedFlagReport
from nlp.red_flag_detector import matcher_kind, urgent_kind
from runtime.settings import ROOT, VENV_BIN

CONVERSATIONS = ROOT / "tests" / "conversations"
RASA_PLOTS = ("intent_confusion_matrix.png", "intent_histogram.png")


@dataclass
class AccuracyResults:
    dev_set: HoldoutReport | None = None
    # "<set> / <matcher|pipeline>" -> per-category counts of the red-flag sets
    red_flags: dict[str, RedFlagReport] = field(default_factory=dict)
    rasa_reports: dict[str, dict[str, Any]] = field(default_factory=dict)  # by command
    conversations: dict[str, Any] = field(default_factory=dict)
    plots: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def dev_set_on_stack(stack: BenchStack) -> HoldoutReport:
    examples, intents, bodies = holdout_examples(), [], []

    def keep(body: Any) -> str | None:
        intents.append((body.get("intent") or {}).get("name") if isinstance(body, dict) else None)
        bodies.append(body if isinstance(body, dict) else {})
        return parse_error(body)

    run = stack.nlu([text for text, _ in examples], check=keep)
    if run.error_count:
        raise RuntimeError(f"/model/parse failed: {dict(run.errors)}")
    report = score([(t, e, p) for (t, e), p in zip(examples, intents, strict=True)])
    # The answers the actions would quote for the parsed messages (routing is Rasa-free).
    report.specific_answer_chars = specific_answer_chars(bodies)
    return report


# What the deployed pipeline does with a message, by the intent it ends with.
KIND_OF_INTENT = {"report_emergency": "emergency", "report_self_harm": "crisis"}


def red_flags_on_stack(stack: BenchStack) -> dict[str, RedFlagReport]:
    """Each red-flag set through the matcher alone, through the detector the channels
    answer from (matcher and classifier) and through the deployed pipeline (DIET's
    report_emergency counts too). Counts per category only, never messages."""
    reports = {}
    for name, path in (
        ("blind 4", red_flags.BLIND4),
        ("blind 3", red_flags.BLIND3),
        ("blind 2", red_flags.BLIND2),
        ("blind", red_flags.BLIND),
        ("dev", red_flags.DEV),
        ("extra dev", red_flags.EXTRA_DEV),
        ("dev 2", red_flags.DEV2),
        ("dev 3", red_flags.DEV3),
        ("dev 4", red_flags.DEV4),
    ):
        if not path.exists():
            continue
        examples = red_flags.load(path)
        reports[f"{name} / matcher"] = red_flags.score(examples, matcher_kind)
        reports[f"{name} / detector"] = red_flags.score(examples, urgent_kind)
        intents: list[str | None] = []

        def keep(body: Any, intents: list[str | None] = intents) -> str | None:
            intent = (body.get("intent") or {}).get("name") if isinstance(body, dict) else None
            intents.append(intent)
            return parse_error(body)

        run = stack.nlu([e.text for e in examples], check=keep)
        if run.error_count:
            raise RuntimeError(f"/model/parse failed: {dict(run.errors)}")
        kinds = {
            e.text: KIND_OF_INTENT.get(i or "") for e, i in zip(examples, intents, strict=True)
        }
        reports[f"{name} / pipeline"] = red_flags.score(examples, kinds.__getitem__)
    return reports


def _f1_summary(report_file: Path) -> dict[str, Any]:
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "avg" not in k}
    return {
        "accuracy": report.get("accuracy"),
        "macro_f1": report.get("macro avg", {}).get("f1-score"),
        "weighted_f1": report.get("weighted avg", {}).get("f1-score"),
        "lowest_f1": sorted((v["f1-score"], k) for k, v in intents.items())[:4],
        "per_intent": {k: v["f1-score"] for k, v in sorted(intents.items())},
    }


def rasa_tests(
    model: Path, folds: int, work: Path, logs: Path, reports: Path, log: Callable[[str], None]
) -> AccuracyResults:
    """`rasa test nlu` on the dev set, `rasa test core` on the conversation tests and, with
    `folds`, cross-validation on the training data; one failed command loses no other."""
    results = AccuracyResults()
    model_args = ["--model", str(model)]
    commands = {
        "rasa test nlu (dev set)": ["nlu", "--nlu", str(HOLDOUT), *model_args],
        "rasa test core": ["core", "--stories", str(CONVERSATIONS), *model_args],
    }
    if folds:
        cv = ["--cross-validation", "--folds", str(folds), "--config", "config.yml"]
        commands[f"{folds}-fold cross-validation"] = ["nlu", "--nlu", "data/nlu.yml", *cv]
    for number, (name, args) in enumerate(commands.items()):
        log(f"accuracy: {name}...")
        out = work / f"rasa-test-{number}"
        env = bench_env(RASA_CACHE_DIRECTORY=str(work / f"cache-test-{number}"))
        command = [str(VENV_BIN / "rasa"), "test", *args, "--out", str(out)]
        log_file = logs / f"rasa-test-{number}.log"
        result = run_command(command, log_file, 1800, env)
        if result.returncode != 0:
            results.failures.append(f"{name}: exit code {result.returncode}, see {log_file}")
        if args[0] == "core" and (out / "story_report.json").exists():
            report = json.loads((out / "story_report.json").read_text())
            results.conversations = {
                "correct": report.get("conversation_accuracy", {}).get("correct"),
                "total": report.get("conversation_accuracy", {}).get("total"),
                "action_accuracy": report.get("accuracy"),
            }
        elif args[0] == "nlu":
            results.rasa_reports[name] = _f1_summary(out / "intent_report.json")
        plots = [out / plot for plot in RASA_PLOTS if (out / plot).exists() and number == 0]
        for plot in plots:  # Rasa's own plots of the dev set
            shutil.copy(plot, reports / plot.name)
            results.plots.append(plot.name)
    return results

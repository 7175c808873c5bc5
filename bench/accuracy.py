"""Accuracy: the held-out NLU set, Rasa's NLU test and cross-validation, conversation tests.

The held-out figures use tests/holdout.py (`holdout_examples`, `score`) on predictions
from the running stack's `POST /model/parse`, which calls the same
`Agent.parse_message` as `holdout.predict()`: the whole pipeline as deployed, with the
FallbackClassifier and the red-flag guard. That saves loading the model a third time.

`rasa test nlu` reports the classifier itself: it undoes fallback predictions, so its F1
is not the same figure as the held-out macro-F1 here. Both are reported, labelled.

The Rasa commands are not timed, so they run in a background thread while the memory
soak keeps the stack busy (bench/run.py); each gets a fresh RASA_CACHE_DIRECTORY so the
project's .rasa/cache is not touched.
"""
from __future__ import annotations

import json
import shutil
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from bench import client
from bench.procs import VENV_BIN, CommandResult, bench_env, run_command
from bench.stack import BenchStack
from scripts.serve import MODEL
from tests.holdout import HOLDOUT, OUT_OF_SCOPE, REJECTED, holdout_examples, score

RASA = str(VENV_BIN / "rasa")
PLOTS = ("intent_confusion_matrix.png", "intent_histogram.png")


@dataclass
class HoldoutFigures:
    total: int
    in_scope_accuracy: float
    macro_f1: float
    out_of_scope_rejection: float
    red_flag_recall: float
    red_flag_count: int
    errors: List[Dict[str, str]]


@dataclass
class AccuracyResults:
    holdout: Optional[HoldoutFigures] = None
    rasa_holdout_report: Dict[str, Any] = field(default_factory=dict)  # classifier view, fallback undone
    cross_validation: Dict[str, Any] = field(default_factory=dict)
    conversations: Dict[str, Any] = field(default_factory=dict)
    plots: List[str] = field(default_factory=list)
    failures: List[str] = field(default_factory=list)
    seconds: Dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


# --- held-out set through the running stack --------------------------------------------------

def macro_f1(predictions: List[Tuple[str, str, str]]) -> float:
    """Unweighted mean F1 over the expected intents. A rejected out-of-scope message
    (out_of_scope or nlu_fallback) counts as correct, as in tests/holdout.py."""
    def normalise(expected: str, predicted: str) -> str:
        return OUT_OF_SCOPE if expected == OUT_OF_SCOPE and predicted in REJECTED else predicted

    pairs = [(e, normalise(e, p)) for _, e, p in predictions]
    labels = sorted({e for e, _ in pairs})
    true_pos = Counter(e for e, p in pairs if e == p)
    expected = Counter(e for e, _ in pairs)
    predicted = Counter(p for _, p in pairs)
    scores = []
    for label in labels:
        precision = true_pos[label] / predicted[label] if predicted[label] else 0.0
        recall = true_pos[label] / expected[label]
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def holdout_on_stack(stack: BenchStack) -> HoldoutFigures:
    examples = holdout_examples()
    parsed = client.parse_all(stack.parse_url, stack.auth_headers, [text for text, _ in examples])
    predictions = [(text, expected, p["intent"]["name"]) for (text, expected), p in zip(examples, parsed)]
    report = score(predictions)
    return HoldoutFigures(report.total, report.in_scope_accuracy, macro_f1(predictions),
                          report.out_of_scope_rejection, report.red_flag_recall, report.red_flag_count,
                          report.errors)


# --- Rasa's own test commands -------------------------------------------------------------

def _read_json(path: Path) -> Dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _f1_summary(report: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "accuracy": report.get("accuracy"),
        "macro_f1": (report.get("macro avg") or {}).get("f1-score"),
        "weighted_f1": (report.get("weighted avg") or {}).get("f1-score"),
        "per_intent_f1": {k: v["f1-score"] for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
                          and k not in ("macro avg", "weighted avg", "micro avg")},
    }


class RasaTests:
    """Runs Rasa's test commands one after the other; meant for a background thread."""

    def __init__(self, work: Path, logs: Path, reports: Path, cv_folds: int, log: Callable[[str], None]):
        self.work, self.logs, self.reports, self.cv_folds, self.log = work, logs, reports, cv_folds, log
        self.results = AccuracyResults()
        self._thread: Optional[threading.Thread] = None

    def _rasa(self, name: str, args: List[str], timeout: float) -> CommandResult:
        env = bench_env(RASA_CACHE_DIRECTORY=str(self.work / f"cache-{name}"))
        result = run_command([RASA, *args], self.logs / f"{name}.log", timeout, env)
        self.results.seconds[name] = round(result.seconds, 1)
        if not result.ok:
            self.results.failures.append(f"{name}: exit code {result.returncode}, see {result.log}")
        return result

    def nlu_holdout(self) -> None:
        out = self.work / "test-nlu-holdout"
        self._rasa("test-nlu-holdout", ["test", "nlu", "--nlu", str(HOLDOUT), "--model", str(MODEL),
                                         "--out", str(out)], timeout=600)
        self.results.rasa_holdout_report = _f1_summary(_read_json(out / "intent_report.json"))
        for plot in PLOTS:
            if (out / plot).exists():
                shutil.copy(out / plot, self.reports / plot)
                self.results.plots.append(plot)

    def conversations(self) -> None:
        out = self.work / "test-core"
        result = self._rasa("test-core", ["test", "core", "--stories", "tests/test_stories.yml", "--model",
                                          str(MODEL), "--out", str(out)], timeout=600)
        report = _read_json(out / "story_report.json")
        self.results.conversations = {
            "exit_code": result.returncode,
            "conversation_accuracy": report.get("conversation_accuracy"),
            "action_accuracy": report.get("accuracy"),
            "action_macro_f1": (report.get("macro avg") or {}).get("f1-score"),
        }

    def cross_validation(self) -> None:
        out = self.work / "cross-validation"
        self._rasa("cross-validation", ["test", "nlu", "--nlu", "data/nlu.yml", "--cross-validation", "--folds",
                                        str(self.cv_folds), "--config", "config.yml", "--out", str(out)],
                   timeout=1800)
        summary = _f1_summary(_read_json(out / "intent_report.json"))
        self.results.cross_validation = {"folds": self.cv_folds, **summary}

    def run_all(self) -> None:
        steps = [("rasa test nlu (held-out)", self.nlu_holdout), ("rasa test core", self.conversations)]
        if self.cv_folds:
            steps.append((f"{self.cv_folds}-fold cross-validation", self.cross_validation))
        for name, step in steps:
            self.log(f"accuracy: {name}...")
            try:
                step()
            except Exception as error:  # one failed command must not lose the others' results
                self.results.failures.append(f"{name}: {type(error).__name__}: {error}")
        self.log("accuracy: done")

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self.run_all, name="rasa-tests", daemon=True)
        self._thread.start()

    def wait(self) -> AccuracyResults:
        if self._thread:
            self._thread.join()
        return self.results

    def describe(self) -> str:
        what = "rasa test nlu (held-out), rasa test core"
        return what + (f", {self.cv_folds}-fold cross-validation" if self.cv_folds else "")

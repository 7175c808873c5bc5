"""The benchmark's report must be written even when parts failed or were skipped: a run
that measured half of the figures still says which half (bench/report.py)."""

import json
import shutil
from types import SimpleNamespace

from bench.accuracy import AccuracyResults
from bench.report import _accuracy
from bench.run import Benchmark
from bench.settings import DEV, GOALS
from evaluation.holdout import HoldoutReport


def test_a_run_that_measured_nothing_still_writes_its_report(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not a model")
    bench = Benchmark(DEV, skip=[], reports=tmp_path / "reports", model=model)
    bench.results["failures"].append("serving: RuntimeError: the stack did not start")
    try:
        summary = bench.write(interrupted=True)
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
    text = summary.read_text(encoding="utf-8")
    assert "**interrupted**" in text
    assert "the stack did not start" in text
    assert text.count("not measured") == len(GOALS)
    figures = json.loads((tmp_path / "reports" / "benchmark.json").read_text())["figures"]
    assert set(figures) >= {goal.key for goal in GOALS}


def test_the_accuracy_part_reports_answer_length_and_f1_by_intent():
    dev = HoldoutReport(
        total=3,
        in_scope_accuracy=1.0,
        out_of_scope_rejection=1.0,
        red_flag_recall=1.0,
        red_flag_count=0,
        specific_answer_chars=[120, 300, 500],
    )
    cv = {
        "accuracy": 0.9,
        "macro_f1": 0.88,
        "weighted_f1": 0.9,
        "lowest_f1": [(0.7, "out_of_scope")],
        "per_intent": {"ask_areas": 0.95, "out_of_scope": 0.7},
    }
    accuracy = AccuracyResults(dev_set=dev, rasa_reports={"5-fold cross-validation": cv})
    text = "".join(_accuracy(SimpleNamespace(accuracy=accuracy)))
    assert "300 characters" in text
    assert "F1 by intent (5-fold cross-validation): out_of_scope 0.70, ask_areas 0.95." in text

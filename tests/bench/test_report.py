"""The benchmark's report must be written even when parts failed or were skipped: a run
that measured half of the figures still says which half (bench/report.py)."""

import json
import shutil

from bench.run import Benchmark
from bench.settings import DEV, GOALS


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

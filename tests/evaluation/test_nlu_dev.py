"""NLU quality on messages never used for training (evaluation/nlu_dev.yml)."""

import pytest
import yaml

from evaluation.holdout import holdout_examples, predict, score, write_report
from runtime.settings import MODEL, ROOT

TRAINING = ROOT / "data" / "nlu.yml"


def normalised(text):
    return " ".join(text.lower().split())


def test_holdout_has_enough_varied_red_flags_and_out_of_scope_questions():
    examples = holdout_examples()
    assert sum(1 for _, intent in examples if intent == "report_emergency") >= 40
    assert sum(1 for _, intent in examples if intent == "out_of_scope") >= 30


def test_holdout_is_never_used_for_training():
    training = {
        normalised(line.strip()[2:])
        for block in yaml.safe_load(TRAINING.read_text(encoding="utf-8"))["nlu"]
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    }
    assert [t for t, _ in holdout_examples() if normalised(t) in training] == []


@pytest.mark.model
def test_holdout_accuracy_red_flag_recall_and_out_of_scope_rejection():
    report = score(predict(MODEL, holdout_examples()))
    write_report(report, ROOT / "reports")
    print("\n" + report.summary())
    for error in report.errors:
        print(f"  {error['expected']:>22} -> {error['predicted']:<22} {error['text']}")
    missed_flags = [e["text"] for e in report.errors if e["expected"] == "report_emergency"]
    assert missed_flags == [], "every emergency must get urgent-care advice"
    assert report.red_flag_recall == 1.0
    assert report.in_scope_accuracy >= 0.90
    assert report.out_of_scope_rejection >= 0.85

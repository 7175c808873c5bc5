"""The blind NLU gate (issue 12): on messages written from the article alone by someone
who never saw the training data, in-scope intent accuracy ≥ 93 % and out-of-scope
rejection ≥ 95 %. Failures print counts only, never the messages.

Three sets, each by its own author (evaluation/README.md): set 1 was scored once before
the precision round (its figures then pointed at out-of-scope precision, so it is a
regression check now); set 2 was frozen before that round was merged and scored once
after it; set 3 was frozen before the third round's training data was merged and scored
after it: its figures are the blind ones now."""

from __future__ import annotations

import hashlib

import pytest

from evaluation.nlu_blind import BLIND, BLIND2, BLIND3, evaluate
from runtime.settings import MODEL, ROOT

FROZEN = {
    BLIND: "ab104d0632b9209fdbe384d8f7ab7c0dc52787f5249eea353c4948b620d3b62e",
    BLIND2: "6fe3a6bdd9836dc8bf084268babe56041a4db9b935fe4e18e87f73a9165cb3d3",
    BLIND3: "ef45b320721ee8ad949b72d1b9602900939f16fffcacac4913f26120b7f62219",
}
# A floor just under each set's measured share of single questions answered with the
# passage its author named, so a regression fails the suite.
ANSWER_FLOORS = {BLIND: 0.86, BLIND2: 0.83, BLIND3: 0.88}
SETS = pytest.mark.parametrize("path", [BLIND, BLIND2, BLIND3], ids=["blind1", "blind2", "blind3"])
IN_SCOPE_GOAL, OUT_OF_SCOPE_GOAL = 0.93, 0.95


_REPORTS: dict = {}


def report_of(path):
    if path in _REPORTS:
        return _REPORTS[path]
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    result = _REPORTS[path] = evaluate(MODEL, path)
    out = ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / f"{path.stem}.md").write_text(
        f"# Blind NLU set\n\n{result.summary()}\n\nIn-scope accuracy by style: "
        + ", ".join(f"{k} {r}/{t}" for k, (r, t) in result.styles.items())
        + "\n",
        encoding="utf-8",
    )
    return result


@SETS
def test_blind_answers_floor(path):
    """Measured after the third round: set 1 211 of 238 (88.7 %), set 2 165 of 195
    (84.6 %), set 3 163 of 182 (89.6 %)."""
    report = report_of(path)
    right, total = report.answers["message"]
    assert right / total >= ANSWER_FLOORS[path], report.summary()


@SETS
def test_the_blind_sets_are_frozen(path):
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FROZEN[path]


# Both goals are missed on both sets; nobody may tune on them to make them pass.
MEASURED = (
    "Not met (evaluation/README.md): blind set 3, scored after the third round: in-scope "
    "accuracy 85.2 % (goal 93 %), out-of-scope rejection 84.8 % (91.7 % of the replies; "
    "goal 95 %); blind set 2 now 86.3 % and 88.6 %, blind set 1 89.1 % and 90.0 %."
)


@SETS
@pytest.mark.xfail(strict=True, reason=MEASURED)
def test_blind_in_scope_intent_accuracy(path):
    report = report_of(path)
    assert report.intents.in_scope_accuracy >= IN_SCOPE_GOAL, report.summary()


@SETS
@pytest.mark.xfail(strict=True, reason=MEASURED)
def test_blind_out_of_scope_rejection(path):
    report = report_of(path)
    assert report.intents.out_of_scope_rejection >= OUT_OF_SCOPE_GOAL, report.summary()

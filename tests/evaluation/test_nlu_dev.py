"""NLU quality on messages never used for training (evaluation/nlu_dev.yml, nlu_dev2.yml)."""

import pytest

from content.routing import answer_for
from evaluation.holdout import (
    TOLERATED_LEAKS,
    holdout_examples,
    leaked_training_examples,
    predict,
    score,
    specific_answer_chars,
    training_examples,
    write_report,
)
from evaluation.nlu_blind import DEV2, evaluate
from runtime.settings import MODEL, ROOT


def test_holdout_has_enough_varied_red_flags_and_out_of_scope_questions():
    examples = holdout_examples()
    assert sum(1 for _, intent in examples if intent == "report_emergency") >= 40
    assert sum(1 for _, intent in examples if intent == "out_of_scope") >= 30


def test_holdout_is_never_used_for_training():
    # Equal once case, punctuation, width and spacing are ignored, or sharing >= 80 % of
    # their words (token Jaccard); the red-flag owner's known leaks are listed by name.
    equal, near = leaked_training_examples(
        [text for text, _ in holdout_examples()], [text for text, _ in training_examples()]
    )
    print(f"training examples equal to a dev message: {len(equal)}, nearly equal: {len(near)}")
    tolerated = TOLERATED_LEAKS["nlu_dev.yml"]
    assert [e for e in equal if e not in tolerated] == []
    assert [e for e in near if e not in tolerated] == []


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


def test_specific_answer_lengths_count_part_of_a_section_only():
    coffee = {
        "text": "can I have coffee before?",
        "intent": {"name": "ask_avoid_before", "confidence": 0.99},
        "entities": [{"entity": "substance", "value": "caffeine"}],
    }
    whole = {"text": "what should I avoid before?", "intent": {"name": "ask_avoid_before"}}
    price = {"text": "how much is it", "intent": {"name": "out_of_scope", "confidence": 1.0}}
    lengths = specific_answer_chars([coffee, whole, price])
    assert len(lengths) == 1
    assert lengths[0] == len(answer_for("ask_avoid_before", [("substance", "caffeine")]).text())


@pytest.mark.model
def test_second_dev_set_declines_what_the_article_does_not_say_and_keeps_the_rest():
    # Floors a little under the figures measured (README of evaluation/): after tuning on
    # this set in-scope 94.3 %, out-of-scope replies declined 88.4 %, answers with the
    # right passage 56 / 60; after the callback intents joined and the training examples
    # equal to blind messages were deleted, 90.0 %, 86.8 %, 55 / 60. Before: 90.0 %,
    # 56.2 %, 55 / 60.
    report = evaluate(MODEL, DEV2)
    print("\n" + report.summary())
    assert report.intents.in_scope_accuracy >= 0.88
    assert report.reply_rejection >= 0.85
    right, total = report.answers["message"]
    assert right / total >= 0.9

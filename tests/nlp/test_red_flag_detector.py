"""The combined red-flag detector (nlp/red_flag_detector.py): what the channels and the
NLU guard answer at once, and what they ask about first."""

from __future__ import annotations

import pytest

from nlp import red_flag_detector
from nlp.red_flag_detector import CALM, RedFlagScore, judge
from nlp.red_flags import assess

# Wordings the concept matcher has no pattern for, the classifier recognises.
INDIRECT_CRISIS = "everyone would be fine if i just stopped being a problem for good"


def test_a_matched_emergency_is_answered_at_once():
    verdict = judge("my throat is closing and i can't breathe")
    assert verdict.urgent_now == "emergency" and verdict.source == "matcher"


def test_self_harm_gets_the_crisis_reply_at_once():
    assert judge("i want to end my life").urgent_now == "crisis"


def test_ordinary_questions_are_calm():
    assert judge("what should i avoid before the treatment?") == CALM
    assert judge("will i bruise?") == CALM


def test_the_classifier_finds_what_the_matcher_misses():
    assert assess(INDIRECT_CRISIS) is None
    verdict = judge(INDIRECT_CRISIS)
    assert verdict.kind == "crisis" and verdict.source == "classifier"


@pytest.fixture
def classifier_says(monkeypatch):
    def fake(score: RedFlagScore) -> None:
        class Model:
            def score(self, text: str) -> RedFlagScore:
                return score

        monkeypatch.setattr(red_flag_detector, "red_flag_model", lambda: Model())

    return fake


def test_a_clear_classifier_hit_is_answered_at_once(classifier_says):
    classifier_says(RedFlagScore(emergency=0.9, crisis=0.05))
    text = "the skin is going a funny colour where you injected"
    assert assess(text) is None
    assert judge(text).urgent_now == "emergency"


def test_an_unsure_classifier_hit_asks_first(classifier_says):
    classifier_says(RedFlagScore(emergency=0.5, crisis=0.0))
    verdict = judge("the skin is going a funny colour where you injected")
    assert verdict.ask and verdict.urgent_now is None and verdict.kind == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "what if the skin goes a funny colour where you injected?",
        "years ago the skin went a funny colour where they injected",
        "the skin hasn't gone a funny colour, just pink",
    ],
)
def test_a_clear_hit_in_a_hypothetical_past_or_denial_asks_instead(classifier_says, text):
    classifier_says(RedFlagScore(emergency=0.95, crisis=0.0))
    verdict = judge(text)
    assert verdict.ask and verdict.urgent_now is None


def test_a_hypothetical_never_softens_self_harm(classifier_says):
    classifier_says(RedFlagScore(emergency=0.0, crisis=0.95))
    assert judge("if this treatment fails i'm done with everything").urgent_now == "crisis"


def test_a_denied_crisis_asks_instead(classifier_says):
    classifier_says(RedFlagScore(emergency=0.0, crisis=0.95))
    assert judge("i'm not suicidal, just low about my hair").urgent_now is None


def test_a_matched_emergency_that_reads_as_self_harm_gets_the_crisis_reply(classifier_says):
    classifier_says(RedFlagScore(emergency=0.2, crisis=0.8))
    text = "i took too many pills"
    assert assess(text) is not None and assess(text).kind == "emergency"
    assert judge(text).urgent_now == "crisis"


def test_below_the_unsure_band_nothing_happens(classifier_says):
    classifier_says(RedFlagScore(emergency=0.2, crisis=0.1))
    assert judge("the skin is going a funny colour where you injected") == CALM


def test_one_or_two_words_are_too_little_for_the_classifier(classifier_says):
    classifier_says(RedFlagScore(emergency=0.99, crisis=0.0))
    assert judge("and?") == CALM
    assert judge("] and obj[") == CALM
    assert judge("the skin changed").urgent_now == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "] and obj[",
        "and what about blood?",
        "and the swelling then?",
        "i can't come right now, can i rebook?",
        "what's your emergency number?",
    ],
)
def test_short_follow_ups_and_stray_text_raise_no_alarm(text):
    assert judge(text).urgent_now is None


def test_a_message_is_scored_once_per_turn(monkeypatch):
    # The channel and the NLU guard both judge each message: the second asks the cache.
    class Counting:
        calls = 0

        def score(self, text: str) -> RedFlagScore:
            Counting.calls += 1
            return RedFlagScore(emergency=0.9, crisis=0.0)

    model = Counting()
    monkeypatch.setattr(red_flag_detector, "red_flag_model", lambda: model)
    text = "the skin is going a funny colour where you injected, scored once"
    first, second = judge(text), judge(text)
    assert first == second and first.urgent_now == "emergency"
    assert Counting.calls == 1

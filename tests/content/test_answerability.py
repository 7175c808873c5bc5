"""What the article cannot answer (content/answerability.py), whatever intent was nearest."""

import pytest

from content.answerability import out_of_scope_topic, unanswerable, uses_the_article
from content.routing import ANSWER_INTENTS, PERSONAL_MEDICAL_INTENT
from evaluation.holdout import training_examples


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("how much would the thighs set me back, price wise?", "ask_areas", "price"),
        ("is the hair loss one covered by my health insurance", "ask_hair_loss", "insurance"),
        ("how many sessions before my double chin is gone", "ask_areas", "sessions"),
        ("are the results on the face permanent", "ask_what_is", "results"),
        ("could i have botox on my forehead at the same time", "ask_areas", "other treatments"),
        ("will the jabs in my tummy hurt", "ask_areas", "pain"),
        ("is it fine to have a few beers the night after", "ask_aftercare", None),
    ],
)
def test_a_question_about_what_the_article_does_not_cover_is_out_of_scope(text, intent, kind):
    reason = unanswerable(text, intent, confidence=0.99)
    assert reason is not None
    if kind:
        assert reason == kind


def test_an_instruction_of_the_article_keeps_the_question_answerable():
    # Alcohol is not in the guide, caffeine is: the caffeine bullet is a real answer.
    assert (
        unanswerable("can i have alcohol or coffee the day before", "ask_avoid_before", 0.9)
        is None
    )
    assert unanswerable("can i have alcohol the day before", "ask_avoid_before", 0.9) is not None


def test_comparing_mesotherapy_to_another_treatment_asks_what_it_is():
    assert unanswerable("is meso some kind of filler", "ask_what_is", 0.99) is None
    assert unanswerable("do you do fillers as well", "ask_what_is", 0.99) == "other treatments"


def test_a_message_also_asking_about_an_instruction_is_answered():
    assert out_of_scope_topic("how much is it? and can i shower after?") is None
    assert out_of_scope_topic("how much is it? and is there a discount?") == "price"


def test_an_unsure_intent_without_a_word_of_the_article_is_out_of_scope():
    assert not uses_the_article("explain quantum physics to me")
    assert unanswerable("explain quantum physics to me", "ask_what_is", 0.7) is not None
    # A confident classifier is trusted: "what is it" says nothing the article words.
    assert unanswerable("so what is it exactly", "ask_what_is", 0.99) is None
    assert uses_the_article("can i use the steam room after")


def test_personal_medical_questions_small_talk_and_buttons_are_left_alone():
    assert (
        unanswerable(
            "i take aspirin daily, does that cost me the treatment", PERSONAL_MEDICAL_INTENT, 0.5
        )
        is None
    )
    assert unanswerable("how much is it", "ask_contact", 0.5) is None
    assert unanswerable('/ask_areas{"body_area": "thighs"}', "ask_areas", None) is None


def test_no_training_example_of_an_article_question_counts_as_out_of_scope():
    # The topic list must not catch how patients ask what the article answers.
    rejected = [
        (text, intent)
        for text, intent in training_examples()
        if intent in ANSWER_INTENTS and unanswerable(text, intent, confidence=None)
    ]
    assert rejected == []

"""The red-flag classifier (nlp/red_flag_model.py): fitted from the repository's own files,
quick, and it weighs negation."""

from __future__ import annotations

import time

from nlp.red_flag_model import (
    CRISIS,
    EMERGENCY,
    EXAMPLES,
    NONE,
    TRAINING_SETS,
    RedFlagModel,
    labelled_set,
    mark_negation,
    nlu_examples,
    red_flag_model,
    training_examples,
)


def test_it_learns_from_the_nlu_data_the_examples_and_two_dev_sets_only():
    names = {path.name for path in TRAINING_SETS}
    assert names == {"red_flags_dev.yml", "red_flags_extra_dev.yml"}
    labels = {label for _, label in nlu_examples()}
    assert labels == {NONE, EMERGENCY, CRISIS}
    examples = training_examples()
    assert len(examples) == len(nlu_examples()) + len(labelled_set(EXAMPLES)) + sum(
        len(labelled_set(path)) for path in TRAINING_SETS
    )


def test_the_examples_file_holds_all_three_labels_and_no_dev3_or_dev2_message():
    from evaluation.red_flags import DEV2, DEV3

    mine = {text.casefold() for text, _ in labelled_set(EXAMPLES)}
    assert {label for _, label in labelled_set(EXAMPLES)} == {NONE, EMERGENCY, CRISIS}
    for held_out in (DEV2, DEV3):
        assert not mine & {text.casefold() for text, _ in labelled_set(held_out)}


def test_negated_words_are_marked_up_to_the_end_of_the_clause():
    assert mark_negation("no swelling or pus, but my throat hurts") == (
        "no not_swelling not_or not_pus, but my throat hurts"
    )


# CPU time, not wall time: the bound is about the work, whatever else the machine runs.
def test_it_is_fitted_once_in_about_half_a_second_of_cpu():
    examples = training_examples()
    start = time.process_time()
    RedFlagModel(examples)
    assert time.process_time() - start < 1.5
    assert red_flag_model() is red_flag_model()


def test_one_message_costs_a_few_milliseconds():
    model = red_flag_model()
    start = time.process_time()
    for _ in range(50):
        model.score("my lips have gone blue and i feel faint")
    assert (time.process_time() - start) / 50 < 0.005


def test_it_tells_an_emergency_a_crisis_and_a_question_apart():
    model = red_flag_model()
    emergency = model.score("my throat is swelling and i can hardly breathe")
    crisis = model.score("i have been thinking about ending my life")
    calm = model.score("how long does the bruising last after the session?")
    assert emergency.kind == EMERGENCY and emergency.flagged > 0.7
    assert crisis.kind == CRISIS and crisis.flagged > 0.7
    assert calm.flagged < 0.35


def test_a_denial_weighs_against_the_alarm():
    model = red_flag_model()
    denied = model.score("i'm not suicidal, just fed up with my hair")
    stated = model.score("i'm suicidal, fed up with everything")
    assert denied.crisis < stated.crisis

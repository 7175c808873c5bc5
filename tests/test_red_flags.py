"""The red-flag safety net: patterns that catch emergencies, and not ordinary questions."""
from pathlib import Path

import pytest
import yaml

from nlp.red_flags import is_red_flag

DATA = Path(__file__).resolve().parent.parent / "data" / "nlu.yml"


def examples(path, intent):
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if block.get("intent") == intent:
            return [line[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    return []


@pytest.mark.parametrize(
    "message",
    [
        "My lips are swelling and I can't breathe",
        "my throat feels tight and it's hard to swallow",
        "I think I'm having a severe allergic reaction",
        "chest pain since the injections",
        "I fainted after my session",
        "fever and pus coming out of the injection spot",
        "the redness is spreading up my leg",
        "the skin near the injection is turning black",
        "the pain is unbearable",
        "i cant breath",
        "my face went white and numb where they injected",
    ],
)
def test_emergencies_are_caught(message):
    assert is_red_flag(message)


@pytest.mark.parametrize(
    "message",
    [
        "What is mesotherapy?",
        "Can I drink coffee before my session?",
        "Will I bruise?",
        "can people with infections have it?",
        "does it help with dark spots on my hands",
        "can I go to the sauna after",
        "How much does it cost?",
        "what should I avoid before the treatment",
        "is it ok if I have allergies",
    ],
)
def test_ordinary_questions_are_not_flagged(message):
    assert not is_red_flag(message)


def test_no_training_question_of_an_faq_intent_is_flagged():
    flagged = [
        text
        for intent in ("ask_what_is", "ask_areas", "ask_avoid_before", "ask_preparation", "ask_aftercare", "ask_bruising")
        for text in examples(DATA, intent)
        if is_red_flag(text)
    ]
    assert flagged == []

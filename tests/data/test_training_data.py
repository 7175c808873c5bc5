"""The training data covers how patients really ask, without near-duplicates across intents,
and repeats no message of any evaluation set, not even nearly."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from content.routing import INTENT_PASSAGES, INTENT_SECTIONS
from evaluation.holdout import (
    HOLDOUT,
    NEAR_DUPLICATE,
    RED_FLAG_INTENTS,
    TOLERATED_LEAKS,
    evaluation_messages,
    evaluation_sets,
    leaked_training_examples,
    normalised,
)
from evaluation.holdout import training_examples as labelled_training_examples
from nlp.red_flag_model import EXAMPLES as RED_FLAG_EXAMPLES
from nlp.red_flag_model import labelled_set
from runtime.settings import ROOT

# The training files with intent examples: the FAQ's, and the callback request's.
NLU_FILES = ("nlu.yml", "callback.yml")
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def training_examples():
    examples = {}
    blocks = [
        block
        for name in NLU_FILES
        for block in yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))["nlu"]
    ]
    for block in blocks:
        if "intent" in block:
            lines = [
                line.strip()[2:].strip()
                for line in block["examples"].splitlines()
                if line.strip().startswith("- ")
            ]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


def test_every_faq_intent_has_at_least_25_distinct_examples():
    examples = training_examples()
    for intent in [*INTENT_SECTIONS, *INTENT_PASSAGES]:
        assert len({normalised(e) for e in examples[intent]}) >= 25, intent


def test_no_example_appears_under_two_intents():
    counts = Counter(
        e for lines in training_examples().values() for e in {normalised(x) for x in lines}
    )
    assert [e for e, n in counts.items() if n > 1] == []


def test_examples_include_texting_shorthand_lower_case_and_long_questions():
    faq = [e for i in [*INTENT_SECTIONS, *INTENT_PASSAGES] for e in training_examples()[i]]
    words = Counter(w for e in faq for w in re.findall(r"[a-z0-9']+", e.lower()))
    assert sum(words[w] for w in ("b4", "u", "pls", "ur", "appt", "rn", "tmrw")) >= 10
    assert sum(1 for e in faq if e == e.lower()) >= len(faq) // 3
    assert sum(1 for e in faq if len(e.split()) >= 15) >= 10


def test_every_domain_intent_has_training_examples_and_vice_versa():
    assert set(training_examples()) == set(DOMAIN["intents"])


def test_out_of_scope_examples_cover_prices_insurance_sessions_and_gibberish():
    oos = " ".join(training_examples()["out_of_scope"]).lower()
    for topic in ("cost", "insurance", "sessions", "hours"):
        assert topic in oos, topic


def leaks(path: Path) -> tuple[list[str], list[str], int]:
    """The TRAINING examples that equal or nearly equal a message of the set at `path`,
    and how many leaks were tolerated (see evaluation.holdout.TOLERATED_LEAKS).

    The set's messages stay inside this function: a blind set's text is never returned,
    printed or kept in a test's locals (pytest shows those when a test fails).
    """
    training = every_training_example()
    equal, near = leaked_training_examples(evaluation_messages(path), [t for t, _ in training])
    tolerated = set(TOLERATED_LEAKS.get(path.name, ()))
    if path.name.startswith("red_flags") and "blind" not in path.name:
        tolerated |= {text for text, intent in training if intent in RED_FLAG_INTENTS}
    kept = [e for e in equal if e not in tolerated], [e for e in near if e not in tolerated]
    return *kept, len(equal) + len(near) - len(kept[0]) - len(kept[1])


def every_training_example() -> list[tuple[str, str]]:
    """(text, intent) of everything a model learns from: each NLU file of data/ and the
    red-flag classifier's own examples (nlp/red_flag_examples.yml; its near-misses are
    labelled "red_flag_near_miss")."""
    training = [
        example
        for path in sorted((ROOT / "data").glob("*.yml"))
        if "nlu" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        for example in labelled_training_examples(path)
    ]
    intent_of = {"emergency": "report_emergency", "crisis": "report_self_harm"}
    return training + [
        (text, intent_of.get(expected, "red_flag_near_miss"))
        for text, expected in labelled_set(RED_FLAG_EXAMPLES)
    ]


# Every set under evaluation/, blind ones included. Only a file's name is used here; its
# messages are read by the test itself. Deselect the blind sets with `-k "not blind"`.
@pytest.mark.parametrize("path", evaluation_sets(), ids=lambda path: path.name)
def test_no_training_example_repeats_or_nearly_repeats_an_evaluation_message(path):
    equal, near, tolerated = leaks(path)
    print(
        f"{path.name}: {len(equal)} training examples equal one of its messages (case, "
        f"punctuation and spacing ignored), {len(near)} share >= {NEAR_DUPLICATE:.0%} of "
        f"their words with one; {tolerated} red-flag examples tolerated"
    )
    for example in equal:
        print(f"  equal:  {example}")
    for example in near:
        print(f"  nearly: {example}")
    assert (equal, near) == ([], []), f"rewrite or delete these training examples ({path.name})"


@pytest.mark.parametrize("name", sorted(TOLERATED_LEAKS))
def test_tolerated_red_flag_leaks_still_leak_and_are_red_flag_examples(name):
    assert "blind" not in name, "a blind set's leaks are never tolerated"
    training = [
        example
        for name in NLU_FILES
        for example in labelled_training_examples(ROOT / "data" / name)
    ]
    equal, near = leaked_training_examples(
        evaluation_messages(ROOT / "evaluation" / name), [text for text, _ in training]
    )
    assert TOLERATED_LEAKS[name] - {*equal, *near} == set(), "drop the rewritten ones"
    intents = {intent for text, intent in training if text in TOLERATED_LEAKS[name]}
    assert intents <= set(RED_FLAG_INTENTS)


def test_leak_check_ignores_case_punctuation_width_and_spacing():
    assert normalised("  What’s  MESO-therapy?!  ") == normalised("whats meso therapy")
    assert normalised("ＣＡＮ I") == "can i"
    equal, near = leaked_training_examples(
        ["Can I shower after?", "how long does the bruising last after mesotherapy"],
        ["can i shower after", "how long does bruising last after mesotherapy", "hello"],
    )
    assert (equal, near) == (
        ["can i shower after"],
        ["how long does bruising last after mesotherapy"],
    )


def test_every_evaluation_layout_yields_its_messages_but_not_its_labels(tmp_path):
    rasa = tmp_path / "rasa.yml"
    rasa.write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hi [there](x)\n    - hello\n",
        encoding="utf-8",
    )
    flags = tmp_path / "flags.yml"
    flags.write_text(
        "messages:\n  - text: my lips are swelling\n    expected: emergency\n"
        "    category: airway\n",
        encoding="utf-8",
    )
    nested = tmp_path / "nested.yml"
    nested.write_text(
        "items:\n  - turns:\n      - when can i shower\n      - and the gym?\n"
        "    must_contain: 24 hours\n    intent: ask_aftercare\n",
        encoding="utf-8",
    )
    assert evaluation_messages(rasa) == ["hi there", "hello"]
    assert evaluation_messages(flags) == ["my lips are swelling"]
    assert evaluation_messages(nested) == ["when can i shower", "and the gym?"]


def test_the_dev_set_has_no_message_twice():
    counts = Counter(normalised(text) for text in evaluation_messages(HOLDOUT))
    assert [text for text, n in counts.items() if n > 1] == []

"""The training data covers how patients really ask, without near-duplicates across intents."""

import re
from collections import Counter

import yaml

from content.routing import INTENT_PASSAGES, INTENT_SECTIONS
from runtime.settings import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def training_examples():
    examples = {}
    for block in yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]:
        if "intent" in block:
            lines = [
                line.strip()[2:].strip()
                for line in block["examples"].splitlines()
                if line.strip().startswith("- ")
            ]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


def normalised(text):
    return re.sub(r"[^a-z0-9 ]", "", " ".join(text.lower().split()))


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

"""The domain vocabulary, the spaCy pipeline built from it and Rasa's synonyms."""

from collections import Counter

import pytest
import spacy

from content.routing import TOPIC_PASSAGES
from content.vocabulary import RULER_LABELS, VOCABULARY, canonical_value
from nlp.build_pipeline import PIPELINE_DIR, build_pipeline
from nlp.synonyms import SYNONYMS_FILE, synonyms_yaml


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def test_every_way_of_saying_a_term_belongs_to_one_canonical_value():
    variants = Counter(
        v.lower()
        for values in VOCABULARY.values()
        for c, vs in values.items()
        for v in {c.lower(), *vs}
    )
    assert [v for v, n in variants.items() if n > 1] == []


def test_every_canonical_value_has_an_answer_in_the_article():
    canonical = {c for label in RULER_LABELS if label != "timing" for c in VOCABULARY[label]}
    assert canonical - set(TOPIC_PASSAGES) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("can i have an espresso b4 my appt", [("substance", "caffeine"), ("timing", "before")]),
        (
            "does it work on my belly and love handles?",
            [("body_area", "abdomen"), ("body_area", "love handles")],
        ),
        (
            "I take Ibuprofen and ginkgo",
            [("substance", "anti-inflammatory drugs"), ("substance", "Gingko Biloba")],
        ),
        ("when can I shower after", [("activity", "showers"), ("timing", "after")]),
        ("my thighs", [("body_area", "thighs")]),
        ("I'm pregnant", [("condition", "pregnancy")]),
        # everyday words, British and American spellings and common misspellings
        (
            "is the jacuzzi or steam room ok in the aftercre period",
            [("activity", "hot tubs"), ("activity", "saunas"), ("timing", "after")],
        ),
        ("can i go to the spa after", [("activity", "hot tubs"), ("timing", "after")]),
        (
            "how much downtime or healing time is there",
            [("activity", "return to work"), ("activity", "return to work")],
        ),
        ("recovery time after meso", [("activity", "return to work"), ("timing", "after")]),
        (
            "can i have matcha or pre-workout b4 my appt",
            [("substance", "caffeine"), ("substance", "caffeine"), ("timing", "before")],
        ),
        (
            "energy drinks or cola the day before",
            [("substance", "caffeine"), ("substance", "caffeine"), ("timing", "before")],
        ),
        (
            "what about the belly fat and love handles, will i lose inches",
            [
                ("body_area", "abdomen"),
                ("condition", "fat"),
                ("body_area", "love handles"),
                ("condition", "fat"),
            ],
        ),
        ("is slimming or fat loss possible", [("condition", "fat"), ("condition", "fat")]),
        (
            "my crow\u2019s feet and frown lines",
            [("condition", "wrinkles"), ("condition", "wrinkles")],
        ),
        (
            "can i use my moisturiser or moisturizer after",
            [
                ("substance", "lotions and creams"),
                ("substance", "lotions and creams"),
                ("timing", "after"),
            ],
        ),
        (
            "does it help with discolouration on my hands",
            [("condition", "age spots"), ("body_area", "hands")],
        ),
    ],
)
def test_entity_ruler_finds_terms_and_synonyms_give_the_article_word(nlp, text, expected):
    doc = nlp(text.lower())
    assert [(e.label_, canonical_value(e.text)) for e in doc.ents] == expected


def test_lemmatizer_comes_from_lookup_tables(nlp):
    assert [t.lemma_ for t in nlp("thighs bruises")] == ["thigh", "bruise"]


def test_built_pipeline_on_disk_loads_by_path_as_rasa_loads_it():
    loaded = spacy.load(PIPELINE_DIR)
    assert loaded.pipe_names == ["lemmatizer", "entity_ruler"]
    assert [e.label_ for e in loaded("ginkgo").ents] == ["substance"]


def test_synonyms_file_is_generated_from_the_vocabulary():
    assert SYNONYMS_FILE.read_text(encoding="utf-8") == synonyms_yaml(), "run `make synonyms`"

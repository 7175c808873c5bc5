"""The message reader under the routing: normalised words, vocabulary terms, TF-IDF."""

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from content.article import load_article
from content.passage_search import (
    PassageIndex,
    _word_features,
    expand,
    find_terms,
    normalise,
    split_questions,
)

ARTICLE = load_article()
INDEX = PassageIndex(ARTICLE)


def terms(text):
    return [(t.label, t.value) for t in find_terms(normalise(text))]


def test_normalising_drops_case_accents_and_punctuation_but_keeps_apostrophes():
    assert normalise("Décolleté & the skin’s TEXTURE?!") == "decollete the skin's texture"
    assert normalise("anti-inflammatory") == "anti inflammatory"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is the steam room ok", [("activity", "saunas")]),
        # A plural the vocabulary does not list is still the same term.
        ("are steam rooms ok", [("activity", "saunas")]),
        ("an energy drink b4?", [("substance", "caffeine"), ("timing", "before")]),
        # The longest variant wins: "hot tubs", not a bath.
        ("hot tubs", [("activity", "hot tubs")]),
        ("ANTI-INFLAMMATORIES", [("substance", "anti-inflammatory drugs")]),
    ],
)
def test_vocabulary_terms_are_found_as_the_articles_words(text, expected):
    assert terms(text) == expected


def test_expansion_adds_the_canonical_word_after_the_everyday_one():
    assert expand(normalise("a steam room after")) == "a steam room after saunas"


@pytest.mark.parametrize(
    "text, questions",
    [
        (
            "can I have coffee before, and when can I shower after?",
            ["can I have coffee before", "when can I shower after"],
        ),
        # Pieces that do not start a question stay with the one next to them.
        ("I take ibuprofen and ginkgo, is that ok?", ["I take ibuprofen ginkgo is that ok"]),
        ("should i eat first and come hungry", ["should i eat first come hungry"]),
        ("coffee before? shower after?", ["coffee before", "shower after"]),
    ],
)
def test_a_message_is_cut_where_a_new_question_starts(text, questions):
    assert split_questions(text) == questions


def test_index_scores_are_sklearns_tfidf_cosine():
    # The index scores without sklearn's per-call overhead: same numbers as transform().
    docs = [expand(normalise(p.text)) for p in ARTICLE.passages.values()]
    vectorizer = TfidfVectorizer(analyzer=_word_features, sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    query = expand(normalise("can I use a steam room or hot tubs afterwards"))
    expected = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
    assert INDEX.words.similarities(query)[: len(docs)] == pytest.approx(list(expected))


def test_the_most_similar_passage_is_the_one_about_the_question():
    scores = INDEX.passage_scores(expand(normalise("is a steam room ok after")))
    assert max(scores, key=scores.get) == "aftercare.item2"
    sections = INDEX.section_scores(expand(normalise("what is the mechanism of action")))
    assert max(sections, key=sections.get) == "how_it_works"


def test_words_only_one_or_two_passages_use_are_distinctive():
    assert INDEX.distinctive_words(normalise("could it harm the fetus")) == ["fetus"]
    # "skin" is in eight passages: it does not point anywhere.
    assert INDEX.distinctive_words(normalise("my skin")) == []

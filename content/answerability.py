"""Whether the article can answer a message at all, whatever intent it was given.

An intent classifier always picks the nearest intent: a price question about the thighs
reads like a question about the areas, a question about wine after the treatment like
one about aftercare. Quoting that section would look like an answer and is not one, so
two checks come before the routing:

* a message naming something the article does not cover (OUT_OF_SCOPE_TOPICS of
  content/vocabulary.py: prices, sessions, results, other treatments...) is out of
  scope, unless the same question also names an instruction the article gives (a
  substance or an activity: "alcohol or coffee before?" is still about caffeine);
* a message the classifier is unsure of, none of whose words the article uses, is out
  of scope too: nothing in the article can be the passage it asks for.

It knows nothing about Rasa; nlp/out_of_scope_guard.py applies it in the NLU pipeline.
"""

from __future__ import annotations

import re

from content.passage_search import content_words, find_terms, normalise, stem
from content.routing import (
    ANSWER_INTENTS,
    ARTICLE,
    GENERIC_WORDS,
    INDEX,
    PERSONAL_MEDICAL_INTENT,
    TIMED_SECTIONS,
    TOPIC_PASSAGES,
    read_clause,
)
from content.vocabulary import OUT_OF_SCOPE_TOPICS

# Instructions the article gives (the topics of its before and after sections): naming
# one keeps a question answerable ("alcohol or coffee before?" is still about caffeine).
INSTRUCTIONS = frozenset(
    topic
    for topic, passages in TOPIC_PASSAGES.items()
    if any(ARTICLE.passage(pid).section_id in TIMED_SECTIONS for pid in passages)
)
# Intents this check may overrule: the article's answers, except a personal medical
# question, whose reply defers to the patient's doctor whatever it asks.
CHECKED_INTENTS = frozenset(ANSWER_INTENTS) - {PERSONAL_MEDICAL_INTENT}
# "Is meso a kind of filler?", "is it like a laser?": a question about what mesotherapy
# is, which names another treatment only to compare.
WHAT_IT_IS_LIKE = re.compile(r"\b(?:kind|type|sort|form) of\b|\blike an? \w+")
# Below this classifier confidence (chosen on the dev sets), a message without a word of the
# article is out of scope.
UNSUPPORTED_BELOW = 0.75

_TOPICS = [
    (kind, re.compile(pattern))
    for kind, patterns in OUT_OF_SCOPE_TOPICS.items()
    for pattern in patterns
]


def out_of_scope_topic(text: str) -> str | None:
    """The kind of uncovered topic the message names, unless it also names an instruction
    of the article (then that part is answered)."""
    words = normalise(text)
    kind = next((k for k, pattern in _TOPICS if pattern.search(words)), None)
    if kind == "other treatments" and WHAT_IT_IS_LIKE.search(words):
        kind = None
    if kind is None or any(t.value in INSTRUCTIONS for t in find_terms(words)):
        return None
    return kind


def uses_the_article(text: str) -> bool:
    """Whether the message names anything the article does: a vocabulary term, a section,
    or a word one of its passages uses."""
    clause = read_clause(text)
    if clause.topics or clause.sections or clause.timings:
        return True
    stems = {stem(w) for w in content_words(normalise(text))} - GENERIC_WORDS
    return any(s in INDEX.passages_with for s in stems)


def unanswerable(text: str, intent: str, confidence: float | None) -> str | None:
    """Why the article cannot answer this message given this intent, or None if it may."""
    if intent not in CHECKED_INTENTS or not text.strip() or text.lstrip().startswith("/"):
        return None
    topic = out_of_scope_topic(text)
    if topic is not None:
        return topic
    if confidence is not None and confidence < UNSUPPORTED_BELOW and not uses_the_article(text):
        return "no word of the article"
    return None

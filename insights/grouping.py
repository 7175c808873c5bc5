"""Groups similar questions: TF-IDF on word and character n-grams, then average-linkage
agglomerative clustering on cosine distance.

Questions are compared on their content words (content/passage_search.py's normalising
and stemming, minus the words every question to this assistant shares: "mesotherapy",
"session", "can I"...), so "How much does mesotherapy cost?" and "What would one
session cost me?" meet on "cost" while "Are you open on Saturdays?" stays apart. The
grouping is lexical: "price" and "cost" only meet when other words do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from content.passage_search import normalise, stem

# Two groups merge while their questions' mean cosine similarity is at least 1 - this.
DISTANCE_THRESHOLD = 0.75
MAX_EXAMPLES = 3

# Function words and the words any question to the assistant shares.
_SHARED = """
    a an the i i'm im i'd i'll me my you your you're we our us it it's its is are am be
    been was were do does did can could would will should shall may might of to for on in
    at by and or but so if what what's whats which there this that these those please
    hi hello hey thanks mesotherapy meso session sessions treatment treatments procedure
    get have has had about with any some just
"""
SHARED_WORDS = frozenset(_SHARED.split())


@dataclass(frozen=True)
class Group:
    count: int  # messages in the group, repeats included
    examples: tuple[str, ...]  # up to MAX_EXAMPLES different texts, most frequent first


def key_words(text: str) -> str:
    """What a question is compared on; the whole normalised text when nothing is left."""
    words = normalise(text).split()
    kept = [stem(w) for w in words if w not in SHARED_WORDS]
    return " ".join(kept or words) or text.strip().lower()


def similarities(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every pair of texts (word 1-2-grams + char 3-5-grams)."""
    keys = [key_words(t) for t in texts]
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", use_idf=False
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), use_idf=False)
    vectors = normalize(hstack([words.fit_transform(keys), chars.fit_transform(keys)]).tocsr())
    return np.asarray((vectors @ vectors.T).todense()).clip(0.0, 1.0)


def cluster(texts: Sequence[str], threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """A group label for each text."""
    if len(texts) < 2:
        return [0] * len(texts)
    distances = 1.0 - similarities(texts)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=threshold,
        affinity="precomputed",
        linkage="average",
    )
    return [int(label) for label in model.fit(distances).labels_]


def group_similar(
    texts: Sequence[str], threshold: float = DISTANCE_THRESHOLD, max_examples: int = MAX_EXAMPLES
) -> list[Group]:
    """Similar texts together, the largest group first (then the first asked)."""
    counts = Counter(" ".join(t.split()) for t in texts if t.strip())
    distinct = list(counts)  # in the order first seen
    members: dict[int, list[str]] = {}
    for text, label in zip(distinct, cluster(distinct, threshold), strict=True):
        members.setdefault(label, []).append(text)
    groups = [
        Group(
            count=sum(counts[t] for t in group),
            examples=tuple(sorted(group, key=lambda t: -counts[t])[:max_examples]),
        )
        for group in members.values()
    ]
    return sorted(groups, key=lambda g: -g.count)

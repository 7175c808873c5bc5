"""What a patient's message names, and which article passages read most like it.

Both sides are normalised the same way (lower case, accents and punctuation removed) and
every vocabulary variant found ("steam room") is followed by its canonical value
("saunas"), so an everyday word meets the article's word. Passages are ranked by TF-IDF
over word stems and character n-grams (the characters catch typos and word forms the
stems miss). The index is built once at import: the article is a few dozen passages, and
a message then costs two small sparse products.

Nothing here decides what to answer; content/routing.py does, with these as evidence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from content.article import Article, Passage
from content.vocabulary import TIMING, VOCABULARY

# Chat shorthand and fillers that say nothing about the topic.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {
    "s", "t", "im", "ive", "id", "u", "ur", "pls", "plz", "please", "ok", "okay", "ll", "don",
    "doesn", "isn", "can't", "cant", "won", "i'm", "it's", "what's", "whats", "thanks", "hi",
}  # fmt: skip

# A word of the article counts as naming one place only if at most this many passages
# use it: "saunas" is such a word, "skin" (in eight passages) is not.
MAX_DISTINCTIVE_PASSAGES = 2

# Weight of the word features against the character features in a similarity: words
# carry the meaning, characters only rescue spelling.
WORD_WEIGHT = 0.7

_SUFFIXES = ("ations", "ation", "ness", "ings", "ing", "ies", "ied", "ed", "es", "ly", "e")


def normalise(text: str) -> str:
    """Lower case ASCII words separated by single spaces; apostrophes inside words stay."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9']+", " ", text)
    text = re.sub(r"(?<![a-z0-9])'+|'+(?![a-z0-9])", " ", text)
    return " ".join(text.split())


def stem(word: str) -> str:
    """A crude stem, the same on both sides: "bruising", "bruises", "bruise" -> "bruis"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    # "fetus", "glass" and "diagnosis" end in s without being plurals.
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    """A vocabulary term found in a normalised text, as the article's word."""

    label: str
    value: str  # the canonical value
    start: int
    end: int


_VARIANTS: dict[str, tuple[str, str]] = {
    normalise(variant): (label, canonical)
    for label, values in VOCABULARY.items()
    for canonical, variants in values.items()
    for variant in [canonical, *variants]
}
# Longest variant first, so "hot tubs" wins over "tub" and "energy drink" over "drink";
# an optional plural ending catches "steam rooms" when only "steam room" is listed.
_TERM_PATTERN = re.compile(
    r"(?<![a-z0-9'])("
    + "|".join(re.escape(v) for v in sorted(_VARIANTS, key=len, reverse=True) if v)
    + r")(?:s|es)?(?![a-z0-9'])"
)


def find_terms(normalised: str) -> list[Term]:
    """The vocabulary terms of a normalised text, left to right, without overlaps."""
    terms = []
    for match in _TERM_PATTERN.finditer(normalised):
        label, value = _VARIANTS[match.group(1)]
        terms.append(Term(label, value, match.start(), match.end()))
    return terms


def expand(normalised: str, terms: Iterable[Term] | None = None) -> str:
    """The text followed by the canonical values of its terms (timing words stay as said)."""
    found = find_terms(normalised) if terms is None else terms
    extra = [normalise(t.value) for t in found if t.label != TIMING]
    return " ".join([normalised, *extra])


def content_words(normalised: str) -> list[str]:
    return [w for w in normalised.split() if w not in STOP_WORDS and len(w) > 1]


def _word_features(document: str) -> list[str]:
    stems = [stem(w) for w in content_words(document)]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


def _char_input(document: str) -> str:
    return " ".join(content_words(document))


# Where a message asking several things at once may change question ("coffee before, and
# shower after?"). Splitting inside one question ("neck and décolletage") is harmless:
# a piece that does not start like a question is put back with its neighbour.
_CLAUSE_BREAK = re.compile(r"[?!;,.:()/]+|\b(?:and|also|plus|but|then)\b", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^(?:(?:so|ok|okay|oh|well|hi|hey|hello|please|pls|what about)\s+)*"
    r"(?:what|what's|whats|wat|which|when|how|why|where|who|can|can't|cant|could|should|"
    r"shall|is|isn't|isnt|are|aren't|am|do|does|did|don't|dont|doesn't|will|won't|would|"
    r"may|might|must|any|anything|tell|explain)\b"
)


def split_questions(text: str) -> list[str]:
    """The message cut where a new question starts: a piece that begins like a question
    or ends with a question mark starts one; any other piece ("I take ibuprofen",
    "or come on an empty stomach") stays with the question next to it."""
    groups: list[list[str]] = []
    leading: list[str] = []
    last = 0
    breaks = [*_CLAUSE_BREAK.finditer(text), None]
    for match in breaks:
        end = match.start() if match else len(text)
        piece = text[last:end].strip()
        last = match.end() if match else len(text)
        if not piece:
            continue
        asked = bool(match and "?" in match.group(0))
        if asked or _QUESTION_START.match(normalise(piece)):
            groups.append([*leading, piece])
            leading = []
        elif groups:
            groups[-1].append(piece)
        else:
            leading.append(piece)
    if leading:
        groups.append(leading)
    return [" ".join(group) for group in groups]


class _Weights:
    """A fitted TfidfVectorizer's vocabulary, idf and document vectors, for scoring a
    message without sklearn's per-call input validation (about 1 ms a call, the whole
    budget of a message). Same arithmetic as its `transform`: sublinear tf times idf,
    l2-normalised, then a dot product with each (already normalised) document."""

    def __init__(self, vectorizer: TfidfVectorizer, fit_on: list[str], also: list[str]) -> None:
        matrix = sparse.vstack([vectorizer.fit_transform(fit_on), vectorizer.transform(also)])
        self.analyze = vectorizer.build_analyzer()
        self.idf: dict[str, float] = dict(
            zip(vectorizer.get_feature_names_out(), vectorizer.idf_.tolist(), strict=True)
        )
        columns = matrix.tocsc()
        names = vectorizer.get_feature_names_out()
        # feature -> [(document row, weight)]: a message only touches its own features.
        self.postings: dict[str, list[tuple[int, float]]] = {
            str(names[j]): list(
                zip(
                    columns.indices[columns.indptr[j] : columns.indptr[j + 1]].tolist(),
                    columns.data[columns.indptr[j] : columns.indptr[j + 1]].tolist(),
                    strict=True,
                )
            )
            for j in range(columns.shape[1])
        }
        self.rows = matrix.shape[0]

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(f for f in self.analyze(text) if f in self.idf)
        weights = {f: (1 + math.log(n)) * self.idf[f] for f, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {f: w / norm for f, w in weights.items()}

    def similarities(self, text: str) -> list[float]:
        scores = [0.0] * self.rows
        for feature, weight in self.vector(text).items():
            for row, value in self.postings[feature]:
                scores[row] += weight * value
        return scores


class PassageIndex:
    """TF-IDF over the article's passages, and over its sections as whole documents."""

    def __init__(self, article: Article) -> None:
        self.passages: tuple[Passage, ...] = tuple(article.passages.values())
        self.section_ids: tuple[str, ...] = tuple(article.sections)
        passage_docs = [expand(normalise(p.text)) for p in self.passages]
        section_docs = [
            expand(normalise(" ".join([s.heading, *(p.text for p in s.passages)])))
            for s in article.sections.values()
        ]
        # Fitted on the passages only: a section document repeats its passages' words,
        # which would halve the weight of a word that only one passage uses.
        self.words = _Weights(
            TfidfVectorizer(analyzer=_word_features, sublinear_tf=True),
            passage_docs,
            section_docs,
        )
        self.chars = _Weights(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=_char_input
            ),
            passage_docs,
            section_docs,
        )
        self._count = len(passage_docs)
        # stem -> the passages using it, to find the passage that names a word.
        self.passages_with: dict[str, frozenset[str]] = {}
        for passage, doc in zip(self.passages, passage_docs, strict=True):
            for word in {stem(w) for w in content_words(doc)}:
                self.passages_with[word] = self.passages_with.get(word, frozenset()) | {passage.id}

    def _similarities(self, query: str) -> list[float]:
        words, chars = self.words.similarities(query), self.chars.similarities(query)
        return [WORD_WEIGHT * w + (1 - WORD_WEIGHT) * c for w, c in zip(words, chars, strict=True)]

    def passage_scores(self, expanded_query: str) -> dict[str, float]:
        """Cosine similarity (0..1) of the message with every passage, by passage id."""
        scores = self._similarities(expanded_query)
        return {p.id: s for p, s in zip(self.passages, scores[: self._count], strict=True)}

    def section_scores(self, expanded_query: str) -> dict[str, float]:
        scores = self._similarities(expanded_query)[self._count :]
        return dict(zip(self.section_ids, scores, strict=True))

    def distinctive_words(self, normalised: str, ignore: Collection[str] = ()) -> list[str]:
        """Stems of the message that only one or two passages use (not in `ignore`)."""
        found = []
        for word in content_words(normalised):
            root = stem(word)
            uses = self.passages_with.get(root, frozenset())
            if root not in ignore and 0 < len(uses) <= MAX_DISTINCTIVE_PASSAGES:
                found.append(root)
        return list(dict.fromkeys(found))

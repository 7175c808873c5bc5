"""A second red-flag detector beside the concept matcher: a small text classifier.

The matcher (nlp/red_flags.py) is precise but only knows the wordings someone wrote a
pattern for; a new author's indirect self-harm ("they'd all breathe easier without me"),
overdose and injection-site wording slips past it. This classifier has read more wordings
than any pattern table can hold, and weighs words and word pieces rather than exact
phrases, so it carries over to unseen wording better; it is also less precise, which is
why its hits are split in two by `RedFlagScore` (see nlp/red_flag_detector.py): a clear
hit is answered as an emergency, an unsure one gets the one-tap question.

It is fitted, once per process, from files in the repository: the red-flag intents and
every other intent of data/nlu.yml, nlp/red_flag_examples.yml, and the dev sets
`TRAINING_SETS` (never the blind sets, nor the dev sets the gates hold it to). Nothing is
pickled or downloaded; fitting takes a fraction of a second and predicting one message a
fraction of a millisecond.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from nlp.red_flags import normalise
from runtime.settings import ROOT

NONE, EMERGENCY, CRISIS = "none", "emergency", "crisis"
LABELS = (NONE, EMERGENCY, CRISIS)

NLU_DATA = ROOT / "data" / "nlu.yml"
EXAMPLES = ROOT / "nlp" / "red_flag_examples.yml"
# Dev sets it learns from. red_flags_dev2.yml, red_flags_dev3.yml and red_flags_dev4.yml are
# left out on purpose: the gates measure it there (tests/evaluation/test_red_flags.py).
TRAINING_SETS = (
    ROOT / "evaluation" / "red_flags_dev.yml",
    ROOT / "evaluation" / "red_flags_extra_dev.yml",
)
_INTENT_LABELS = {"report_emergency": EMERGENCY, "report_self_harm": CRISIS}


@dataclass(frozen=True)
class RedFlagScore:
    emergency: float  # probability of a medical emergency
    crisis: float  # probability of self-harm or suicidal thoughts

    @property
    def flagged(self) -> float:
        """Probability that the message is either."""
        return self.emergency + self.crisis

    @property
    def kind(self) -> str:
        return CRISIS if self.crisis >= self.emergency else EMERGENCY


def nlu_examples(path: Path = NLU_DATA) -> list[tuple[str, str]]:
    """(text, label) for every example of data/nlu.yml: the red-flag intents are
    emergencies or crises, all the FAQ's ordinary questions are not."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        label = _INTENT_LABELS.get(block["intent"], NONE)
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append((text, label))
    return examples


def labelled_set(path: Path) -> list[tuple[str, str]]:
    """(text, label) of a red-flag set (evaluation/red_flags_*.yml) or of the examples."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = data.get("messages") or data.get("examples") or []
    return [(row["text"], row["expected"]) for row in rows]


def training_examples() -> list[tuple[str, str]]:
    examples = nlu_examples() + labelled_set(EXAMPLES)
    for path in TRAINING_SETS:
        examples += labelled_set(path)
    return examples


# Words after a negation, up to the end of the clause, are read as negated ones: "no
# swelling" and "not suicidal" then weigh against an emergency instead of for it, while
# "don't want to live" keeps its own weight (the n-gram "not_want not_live" is learnt).
_NEGATION = re.compile(
    r"\b(?:no|not|never|nor|without|neither|none|nothing|nobody|isn't|aren't|wasn't|weren't|"
    r"haven't|hasn't|hadn't|don't|doesn't|didn't)\b([^.,;!?]*)"
)
_WORD = re.compile(r"[\w']+")
# Words too common to carry meaning alone: in a short message ("and?") one of them would
# otherwise decide. Negations and pronouns ("myself", "nobody") stay: they do carry it.
_GLUE_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "is",
        "it",
        "for",
        "with",
        "or",
        "but",
        "so",
        "this",
        "that",
    ]
)


def mark_negation(text: str) -> str:
    return _NEGATION.sub(
        lambda m: (
            m.group(0)[: m.start(1) - m.start(0)]
            + _WORD.sub(lambda w: "not_" + w.group(0), m.group(1))
        ),
        text,
    )


def build_classifier() -> Pipeline:
    """Word n-grams (negation marked) and character n-grams (typos, "unalive", "od'd")
    into a linear model. Sized to fit in about half a second of one core."""
    words = TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        preprocessor=mark_negation,
        stop_words=list(_GLUE_WORDS),
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, dtype=np.float32
    )
    model = LogisticRegression(C=10.0, solver="liblinear")
    return Pipeline(
        [("features", FeatureUnion([("words", words), ("chars", chars)])), ("model", model)]
    )


class RedFlagModel:
    """The fitted classifier; `score(text)` gives the probabilities of each kind."""

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        texts = [normalise(text) for text, _ in examples]
        labels = [label for _, label in examples]
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown red-flag labels {sorted(unknown)}")
        self.pipeline = build_classifier().fit(texts, labels)
        classes = list(self.pipeline.classes_)
        self._emergency = classes.index(EMERGENCY)
        self._crisis = classes.index(CRISIS)

    def score(self, text: str) -> RedFlagScore:
        probabilities = self.pipeline.predict_proba([normalise(text)])[0]
        return self.score_from(probabilities)

    def score_many(self, texts: list[str]) -> list[RedFlagScore]:
        probabilities = self.pipeline.predict_proba([normalise(text) for text in texts])
        return [self.score_from(row) for row in probabilities]

    def score_from(self, probabilities: np.ndarray) -> RedFlagScore:
        return RedFlagScore(
            emergency=float(probabilities[self._emergency]),
            crisis=float(probabilities[self._crisis]),
        )


_model: RedFlagModel | None = None
_lock = threading.Lock()


def red_flag_model() -> RedFlagModel:
    """The process's classifier, fitted on first use (servers call it at start-up)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = RedFlagModel(training_examples())
    return _model

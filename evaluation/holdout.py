"""Scores the trained NLU model on an evaluation set never used for training.

evaluation/nlu_dev.yml is the development set: never trained on, but fallback
thresholds and model size were chosen while looking at it. Used by
tests/evaluation/test_nlu_dev.py (which fails below the goals) and by the benchmark.

It also holds the leak check shared by the tests: no training example may repeat, or
nearly repeat, a message of any evaluation set (`leaked_training_examples`). The check
returns training examples only, so running it on a blind set never shows its messages.
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import yaml

from runtime.settings import ROOT

HOLDOUT = ROOT / "evaluation" / "nlu_dev.yml"
EMERGENCY = "report_emergency"
OUT_OF_SCOPE = "out_of_scope"
# A low-confidence out-of-scope question gets "did you mean ...?" or the honest decline,
# never an article section, so both count as rejected.
REJECTED = {OUT_OF_SCOPE, "nlu_fallback"}
# Asking to be called back is a way of asking for the clinic's contact (issue 14): the
# callback form's intent answers an ask_contact message too (decided before blind set 2).
ALSO_RIGHT = {"ask_contact": {"request_callback"}}
TRAINING = ROOT / "data" / "nlu.yml"
EVALUATION_SETS = ROOT / "evaluation"
# Token overlap (Jaccard) from which a training example counts as a near-copy.
NEAR_DUPLICATE = 0.8
# Keys of an evaluation set whose values are labels or expected answers, not messages.
_NOT_MESSAGE_KEY = re.compile(
    r"intent|expect|categor|label|kind|version|answer|fragment|contain|include|must|"
    r"article|passage|section|snippet|quote|reference|gold|response|reply|keyword|"
    r"note|comment|source|author|^id$|_id$|hash|sha",
    re.IGNORECASE,
)
RED_FLAG_INTENTS = ("report_emergency", "report_self_harm")
# Training examples of the red-flag intents that repeat a message of a non-blind set, by
# set. Those intents' examples belong to the engineer who owns the red flags, so they are
# tolerated here, by name, until that engineer rewrites them (a test fails once one no
# longer leaks). Only training examples are listed, never a set's message. The red-flag
# dev sets (tuning sets of the matcher, edited while tuning) tolerate every red-flag
# example instead; a blind set tolerates nothing.
TOLERATED_LEAKS: dict[str, set[str]] = {
    "nlu_dev.yml": {"i can't breathe", "i suddenly can't see out of one eye"},
}
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def holdout_examples(path: Path = HOLDOUT) -> list[tuple[str, str]]:
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                examples.append((line.strip()[2:].strip(), block["intent"]))
    return examples


def normalised(text: str) -> str:
    """Case, width, punctuation and spacing removed: "What's meso?!" == "whats meso"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def tokens(text: str) -> frozenset[str]:
    return frozenset(normalised(text).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _example_lines(block: str) -> Iterator[str]:
    for line in block.splitlines():
        if line.strip().startswith("- "):
            yield _ENTITY_MARKUP.sub(r"\1", line.strip()[2:].strip())


def training_examples(path: Path = TRAINING) -> list[tuple[str, str]]:
    """(example, intent) for every intent example of a Rasa NLU file."""
    return [
        (text, block["intent"])
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        if "intent" in block
        for text in _example_lines(block["examples"])
    ]


def evaluation_messages(path: Path) -> list[str]:
    """Every message of an evaluation set, whatever its layout.

    Rasa NLU files (`examples: |` blocks), red-flag sets (`messages: - text:`) and any
    other nesting of mappings and lists: every string counts as a message unless its key
    names a label or an expected answer (intent, category, expected, fragment, ...).
    """

    def walk(node: object, key: str) -> Iterator[str]:
        if isinstance(node, dict):
            for k, v in node.items():
                if not _NOT_MESSAGE_KEY.search(str(k)):
                    yield from walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)
        elif isinstance(node, str):
            if key == "examples" or "\n- " in f"\n{node.strip()}":
                yield from _example_lines(node)
            elif node.strip():
                yield node.strip()

    return list(walk(yaml.safe_load(path.read_text(encoding="utf-8")), ""))


def evaluation_sets(directory: Path = EVALUATION_SETS) -> list[Path]:
    """Every evaluation set (blind ones included): for the leak check only."""
    return sorted(directory.glob("*.yml"))


def leaked_training_examples(
    messages: Iterable[str], training: Iterable[str], threshold: float = NEAR_DUPLICATE
) -> tuple[list[str], list[str]]:
    """(training examples equal to a message, those nearly equal to one), each sorted.

    Equal means equal once normalised; nearly equal means a token Jaccard of at least
    `threshold`. Only training examples are returned, never a message.
    """
    wanted = [(normalised(m), tokens(m)) for m in messages]
    texts = {m for m, _ in wanted}
    equal, near = set(), set()
    for example in training:
        if normalised(example) in texts:
            equal.add(example)
        elif any(jaccard(tokens(example), t) >= threshold for _, t in wanted):
            near.add(example)
    return sorted(equal), sorted(near)


@dataclass
class HoldoutReport:
    total: int
    in_scope_accuracy: float
    out_of_scope_rejection: float
    red_flag_recall: float
    red_flag_count: int
    errors: list[dict[str, str]] = field(default_factory=list)
    confusions: dict[str, int] = field(default_factory=dict)
    # Characters of the answers quoting part of a section (specific questions; issue 12's
    # goal is a median of at most 350), when the scorer had the parses to route.
    specific_answer_chars: list[int] = field(default_factory=list)

    @property
    def median_specific_answer_chars(self) -> float | None:
        return median(self.specific_answer_chars) if self.specific_answer_chars else None

    def summary(self) -> str:
        return (
            f"held-out NLU ({self.total} messages): "
            f"in-scope intent accuracy {self.in_scope_accuracy:.1%}, "
            f"out-of-scope rejection {self.out_of_scope_rejection:.1%}, "
            f"red-flag recall {self.red_flag_recall:.1%} of {self.red_flag_count}"
        )


def is_right(expected: str, predicted: str) -> bool:
    return predicted == expected or predicted in ALSO_RIGHT.get(expected, ())


def score(predictions: list[tuple[str, str, str]]) -> HoldoutReport:
    """predictions: (text, expected intent, predicted intent)."""
    in_scope = [(t, e, p) for t, e, p in predictions if e not in (EMERGENCY, OUT_OF_SCOPE)]
    oos = [(t, e, p) for t, e, p in predictions if e == OUT_OF_SCOPE]
    flags = [(t, e, p) for t, e, p in predictions if e == EMERGENCY]

    def share(rows, ok) -> float:
        return sum(1 for row in rows if ok(row)) / len(rows) if rows else 1.0

    errors = [
        {"text": t, "expected": e, "predicted": p}
        for t, e, p in predictions
        if not (is_right(e, p) or (e == OUT_OF_SCOPE and p in REJECTED))
    ]
    return HoldoutReport(
        total=len(predictions),
        in_scope_accuracy=share(in_scope, lambda r: is_right(r[1], r[2])),
        out_of_scope_rejection=share(oos, lambda r: r[2] in REJECTED),
        red_flag_recall=share(flags, lambda r: r[2] == EMERGENCY),
        red_flag_count=len(flags),
        errors=errors,
        confusions=dict(
            Counter(f"{e['expected']} -> {e['predicted']}" for e in errors).most_common()
        ),
    )


def specific_answer_chars(parses: Iterable[dict[str, Any]]) -> list[int]:
    """Lengths of the article quotes that answer parsed messages with part of a section."""
    from content.routing import answer_for

    lengths = []
    for parse in parses:
        intent = parse.get("intent") or {}
        entities = [(str(e.get("entity")), str(e.get("value"))) for e in parse.get("entities", [])]
        answer = answer_for(
            str(intent.get("name")),
            entities,
            text=str(parse.get("text") or ""),
            confidence=intent.get("confidence"),
        )
        if answer is not None and not answer.is_whole_section:
            lengths.append(len(answer.text()))
    return lengths


def predict(model_path: Path, examples: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    async def parse_all():
        return [await agent.parse_message(text) for text, _ in examples]

    parsed = asyncio.run(parse_all())
    return [
        (text, expected, p["intent"]["name"])
        for (text, expected), p in zip(examples, parsed, strict=True)
    ]


def write_report(report: HoldoutReport, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "nlu_holdout.json").write_text(
        json.dumps(asdict(report), indent=2), encoding="utf-8"
    )
    lines = [f"# Held-out NLU evaluation\n\n{report.summary()}\n", "\n## Errors\n"]
    lines += [
        f"- `{e['text']}`: expected {e['expected']}, got {e['predicted']}\n" for e in report.errors
    ]
    (out_dir / "nlu_holdout.md").write_text("".join(lines), encoding="utf-8")

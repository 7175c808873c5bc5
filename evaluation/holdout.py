"""Scores the trained NLU model on an evaluation set never used for training.

evaluation/nlu_dev.yml is the development set: never trained on, but fallback
thresholds and model size were chosen while looking at it. Used by
tests/evaluation/test_nlu_dev.py (which fails below the goals) and by the benchmark.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from runtime.settings import ROOT

HOLDOUT = ROOT / "evaluation" / "nlu_dev.yml"
EMERGENCY = "report_emergency"
OUT_OF_SCOPE = "out_of_scope"
# A low-confidence out-of-scope question gets "did you mean ...?" or the honest decline,
# never an article section, so both count as rejected.
REJECTED = {OUT_OF_SCOPE, "nlu_fallback"}


def holdout_examples(path: Path = HOLDOUT) -> list[tuple[str, str]]:
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                examples.append((line.strip()[2:].strip(), block["intent"]))
    return examples


@dataclass
class HoldoutReport:
    total: int
    in_scope_accuracy: float
    out_of_scope_rejection: float
    red_flag_recall: float
    red_flag_count: int
    errors: list[dict[str, str]] = field(default_factory=list)
    confusions: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"held-out NLU ({self.total} messages): "
            f"in-scope intent accuracy {self.in_scope_accuracy:.1%}, "
            f"out-of-scope rejection {self.out_of_scope_rejection:.1%}, "
            f"red-flag recall {self.red_flag_recall:.1%} of {self.red_flag_count}"
        )


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
        if not (p == e or (e == OUT_OF_SCOPE and p in REJECTED))
    ]
    return HoldoutReport(
        total=len(predictions),
        in_scope_accuracy=share(in_scope, lambda r: r[2] == r[1]),
        out_of_scope_rejection=share(oos, lambda r: r[2] in REJECTED),
        red_flag_recall=share(flags, lambda r: r[2] == EMERGENCY),
        red_flag_count=len(flags),
        errors=errors,
        confusions=dict(
            Counter(f"{e['expected']} -> {e['predicted']}" for e in errors).most_common()
        ),
    )


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

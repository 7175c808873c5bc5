"""Scores a red-flag detector on a labelled set of messages: the matcher alone
(nlp/red_flags.py) or what the channels answer at once (nlp/red_flag_detector.py: the
matcher and the classifier), given as `kind_of`.

Used by the gate in tests/evaluation/test_red_flags.py and by the benchmark. The blind
set (red_flags_blind.yml) was written by someone who never saw the patterns or the
training data and is frozen; the dev sets are where patterns are tuned. Reports give
counts per category only, never the messages, so looking at a failure of the blind gate
does not turn it into a tuning set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from runtime.settings import ROOT

SETS = ROOT / "evaluation"
BLIND = SETS / "red_flags_blind.yml"
BLIND2 = SETS / "red_flags_blind2.yml"
# The blind figure of the matcher with the classifier (evaluation/README.md).
BLIND3 = SETS / "red_flags_blind3.yml"
# Frozen before the dev-set-4 round was merged; its blind figure.
BLIND4 = SETS / "red_flags_blind4.yml"
DEV = SETS / "red_flags_dev.yml"
EXTRA_DEV = SETS / "red_flags_extra_dev.yml"
DEV2 = SETS / "red_flags_dev2.yml"
# Never trained on by the classifier (nlp/red_flag_model.py), unlike DEV and EXTRA_DEV.
DEV3 = SETS / "red_flags_dev3.yml"
# The same, written by a new author before reading the matcher or the examples.
DEV4 = SETS / "red_flags_dev4.yml"
# "emergency" and "crisis" messages must be flagged; "none" must not.
FLAGGED = ("emergency", "crisis")


@dataclass(frozen=True)
class Example:
    text: str
    expected: str
    category: str


@dataclass
class RedFlagReport:
    # category -> [flagged, total]
    per_category: dict[str, list[int]] = field(default_factory=dict)
    recall: float = 1.0
    false_alarm_rate: float = 0.0
    crisis_kind_accuracy: float = 1.0
    emergencies: int = 0
    near_misses: int = 0

    def summary(self) -> str:
        return (
            f"recall {self.recall:.1%} of {self.emergencies} emergencies and crises, "
            f"false alarms {self.false_alarm_rate:.1%} of {self.near_misses} near-misses, "
            f"crisis reply for {self.crisis_kind_accuracy:.1%} of self-harm"
        )

    def table(self) -> str:
        rows = ["| category | flagged | total |", "| --- | ---: | ---: |"]
        rows += [
            f"| {name} | {hit} | {total} |" for name, (hit, total) in self.per_category.items()
        ]
        return "\n".join(rows)


def load(path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Example(m["text"], m["expected"], m["category"]) for m in data["messages"]]


def score(examples: list[Example], kind_of: Callable[[str], str | None]) -> RedFlagReport:
    """`kind_of(text)` is "emergency", "crisis" or None (what the assistant would do)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    flagged = missed = alarms = calm = crisis_right = crisis_total = 0
    for example in examples:
        kind = kind_of(example.text)
        key = f"{example.expected}/{example.category}"
        counts[key][1] += 1
        if kind is not None:
            counts[key][0] += 1
        if example.expected in FLAGGED:
            flagged, missed = flagged + (kind is not None), missed + (kind is None)
            if example.expected == "crisis":
                crisis_total += 1
                crisis_right += kind == "crisis"
        else:
            alarms, calm = alarms + (kind is not None), calm + (kind is None)
    emergencies, near_misses = flagged + missed, alarms + calm
    return RedFlagReport(
        per_category=dict(sorted(counts.items())),
        recall=flagged / emergencies if emergencies else 1.0,
        false_alarm_rate=alarms / near_misses if near_misses else 0.0,
        crisis_kind_accuracy=crisis_right / crisis_total if crisis_total else 1.0,
        emergencies=emergencies,
        near_misses=near_misses,
    )

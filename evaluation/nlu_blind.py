"""Scores the assistant on the frozen blind set evaluation/nlu_blind.yml (issue 12).

The set was written from the article and the list of intents alone, by someone who never
saw the training data; nobody tunes on it. Two levels are scored:
* intents, as the dev set is (`holdout.score`): in-scope accuracy, out-of-scope rejection;
* answers: whether the reply the actions would send contains the article fragment the
  author named, for single questions, two-question messages and follow-up pairs (the
  follow-up is routed in the context the first answer left).
* replies: whether an out-of-scope message gets the honest "I can only answer..." (or
  "did you mean...?") rather than a quote, the routing's own refusals included.
Only counts are reported, never the messages, so a failure does not become a tuning set.
The dev sets of the same layout (nlu_dev2.yml) are scored by the same code.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from content.routing import ANSWER_INTENTS, PERSONAL_MEDICAL_INTENT, answer_for
from evaluation.holdout import OUT_OF_SCOPE, HoldoutReport, is_right, score
from runtime.settings import ROOT

BLIND = ROOT / "evaluation" / "nlu_blind.yml"
BLIND2 = ROOT / "evaluation" / "nlu_blind2.yml"
# Frozen before the third round's training data was merged; its blind figure.
BLIND3 = ROOT / "evaluation" / "nlu_blind3.yml"
DEV2 = ROOT / "evaluation" / "nlu_dev2.yml"
ANSWERED = {"ask_personal_medical": PERSONAL_MEDICAL_INTENT}


@dataclass
class BlindReport:
    intents: HoldoutReport
    # kind ("message", "two_questions", "followup") -> [right, total]
    answers: dict[str, list[int]] = field(default_factory=dict)
    # style -> [right intent, total] (in-scope messages)
    styles: dict[str, list[int]] = field(default_factory=dict)
    # [out-of-scope messages not answered from the article, total]: the reply the patient
    # gets, so a refusal by the routing counts as well as one by the classifier.
    replies_rejected: list[int] = field(default_factory=lambda: [0, 0])

    @property
    def reply_rejection(self) -> float:
        rejected, total = self.replies_rejected
        return rejected / total if total else 1.0

    def summary(self) -> str:
        parts = [f"{kind} {right}/{total}" for kind, (right, total) in self.answers.items()]
        rejected, total = self.replies_rejected
        return (
            f"{self.intents.summary()}; out-of-scope messages not answered from the article "
            f"{rejected}/{total} ({self.reply_rejection:.1%}); answers containing the "
            "article's words: " + ", ".join(parts)
        )


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


def _answer_text(parse: dict[str, Any], context: str | None) -> tuple[str, str | None]:
    intent = parse["intent"]["name"]
    entities = [(e["entity"], str(e["value"])) for e in parse.get("entities", [])]
    answer = answer_for(
        ANSWERED.get(intent, intent),
        entities,
        context,
        text=parse.get("text", ""),
        confidence=parse["intent"].get("confidence"),
    )
    if answer is None:
        return "", context
    return answer.text(), answer.context_section


def _answered_from_article(parse: dict[str, Any]) -> bool:
    """Whether the actions would quote the article (personal questions always get a quote)."""
    intent = ANSWERED.get(parse["intent"]["name"], parse["intent"]["name"])
    if intent == PERSONAL_MEDICAL_INTENT:
        return True
    return intent in ANSWER_INTENTS and bool(_answer_text(parse, None)[0])


def _contains(answer: str, fragments: list[str]) -> bool:
    return all(_normalise(f) in _normalise(answer) for f in fragments)


def evaluate(model_path: Path, path: Path = BLIND) -> BlindReport:
    from rasa.core.agent import Agent

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    agent = Agent.load(str(model_path))

    async def parse(text: str) -> dict[str, Any]:
        result: dict[str, Any] = await agent.parse_message(text)
        return result

    async def run() -> BlindReport:
        messages = data["messages"]
        parsed = [await parse(m["text"]) for m in messages]
        intents = score(
            [
                (m["text"], m["intent"], p["intent"]["name"])
                for m, p in zip(messages, parsed, strict=True)
            ]
        )
        answers: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        styles: dict[str, list[int]] = {}
        replies = [0, 0]
        for m, p in zip(messages, parsed, strict=True):
            if m["intent"] == OUT_OF_SCOPE:
                replies[0] += not _answered_from_article(p)
                replies[1] += 1
            else:
                row = styles.setdefault(m.get("style", "plain"), [0, 0])
                row[0] += is_right(m["intent"], p["intent"]["name"])
                row[1] += 1
            if m.get("answer_contains"):
                totals["message"] += 1
                answer, _ = _answer_text(p, None)
                answers["message"] += _contains(answer, [m["answer_contains"]])
        for m in data.get("two_questions", []):
            totals["two_questions"] += 1
            answer, _ = _answer_text(await parse(m["text"]), None)
            answers["two_questions"] += _contains(answer, list(m["answer_contains"]))
        for m in data.get("followups", []):
            totals["followup"] += 1
            _, context = _answer_text(await parse(m["first"]), None)
            answer, _ = _answer_text(await parse(m["then"]), context)
            answers["followup"] += _contains(answer, [m["answer_contains"]])
        return BlindReport(
            intents,
            {kind: [answers[kind], totals[kind]] for kind in totals},
            dict(sorted(styles.items())),
            replies,
        )

    return asyncio.run(run())

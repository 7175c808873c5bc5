"""Maps a question (intent + entities + conversation context) to article passages.

This is the single answer table of the assistant: it reads the tables of nlp/terms.py,
checks them against the parsed article at import (a typo in a passage id stops the
action server from starting) and picks passages. It knows nothing about Rasa.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from actions.knowledge import Article, ArticleError, Passage, Section, load_article
from nlp.terms import (
    INTENT_PASSAGES,
    INTENT_SECTIONS,
    PERSONAL_MEDICAL_PASSAGE,
    SECTION_HEADINGS,
    TIMED_SECTIONS,
    TIMING,
    TIMING_SECTIONS,
    TOPIC_PASSAGES,
    canonical_value,
)

FOLLOWUP_INTENT = "ask_followup"
SHOW_SECTION_INTENT = "show_section"
PERSONAL_MEDICAL_INTENT = "ask_personal_medical"

Entity = Tuple[str, str]  # (label, value)


@dataclass(frozen=True)
class Answer:
    section: Section
    passages: Tuple[Passage, ...]

    @property
    def is_whole_section(self) -> bool:
        return self.passages == self.section.passages

    def text(self) -> str:
        if self.is_whole_section:
            return self.section.full_text()
        lines = [p.as_answer_line() for p in self.passages]
        # A lone bullet ("Reduce caffeine intake...") reads right only under its lead-in
        # ("...it is advised to avoid the following:"), so the lead-in comes along.
        lead_in = self.section.lead_in
        if lead_in and lead_in not in self.passages and all(p.kind == "bullet" for p in self.passages):
            lines.insert(0, lead_in.text)
        return "\n".join(lines)


def validate_tables(article: Article) -> None:
    """Fails loudly when a table names a section or passage the article does not have."""
    problems: List[str] = []
    for intent, section_id in INTENT_SECTIONS.items():
        if section_id not in article.sections:
            problems.append(f"INTENT_SECTIONS[{intent!r}] -> unknown section {section_id!r}")
    for section_id in TIMING_SECTIONS.values():
        if section_id not in article.sections:
            problems.append(f"TIMING_SECTIONS -> unknown section {section_id!r}")
    named = [(f"INTENT_PASSAGES[{k!r}]", ids) for k, ids in INTENT_PASSAGES.items()]
    named += [(f"TOPIC_PASSAGES[{k!r}]", ids) for k, ids in TOPIC_PASSAGES.items()]
    named += [("PERSONAL_MEDICAL_PASSAGE", [PERSONAL_MEDICAL_PASSAGE])]
    for where, ids in named:
        problems += [f"{where} -> unknown passage {pid!r}" for pid in ids if pid not in article.passages]
    if problems:
        raise ArticleError("answer tables do not match the article:\n  " + "\n  ".join(problems))


ARTICLE = load_article()
validate_tables(ARTICLE)


def _topic_passage(value: str, section_id: Optional[str]) -> Optional[Passage]:
    candidates = [ARTICLE.passage(pid) for pid in TOPIC_PASSAGES.get(canonical_value(value), [])]
    if section_id is None:
        return candidates[0] if candidates else None
    for passage in candidates:
        if passage.section_id == section_id:
            return passage
    for passage in candidates:
        if section_id not in TIMED_SECTIONS and passage.section_id not in TIMED_SECTIONS:
            return passage
    return None


def _unique(passages: Iterable[Passage]) -> Tuple[Passage, ...]:
    seen: List[Passage] = []
    for passage in passages:
        if passage not in seen:
            seen.append(passage)
    return tuple(seen)


def section_for(intent: str, entities: Sequence[Entity], context_section: Optional[str]) -> Optional[str]:
    """The section a question is about: named by its intent, or by its context."""
    if intent in INTENT_SECTIONS:
        return INTENT_SECTIONS[intent]
    if intent == FOLLOWUP_INTENT:
        timings = [canonical_value(v) for label, v in entities if label == TIMING]
        for timing in timings:
            if TIMING_SECTIONS.get(timing) and TIMING_SECTIONS[timing] != context_section:
                return TIMING_SECTIONS[timing]
        return context_section
    return None


def answer_for(
    intent: str, entities: Sequence[Entity] = (), context_section: Optional[str] = None
) -> Optional[Answer]:
    """The article passages answering a question, or None when the article has no answer."""
    if intent in INTENT_PASSAGES:
        passages = _unique(ARTICLE.passage(pid) for pid in INTENT_PASSAGES[intent])
        return Answer(ARTICLE.section(passages[0].section_id), passages)

    if intent == SHOW_SECTION_INTENT:
        requested = next((v for label, v in entities if label == "section"), context_section)
        if requested not in SECTION_HEADINGS:
            return None
        section = ARTICLE.section(requested)
        return Answer(section, section.passages)

    section_id = section_for(intent, entities, context_section)
    topical = _unique(
        p for p in (_topic_passage(value, section_id) for label, value in entities if label != TIMING) if p
    )
    if not topical and section_id is not None and intent == FOLLOWUP_INTENT:
        # "what about hands?" after an answer about aftercare: the topic is not in the
        # current section, but it is in the article.
        topical = _unique(
            p for p in (_topic_passage(value, None) for label, value in entities if label != TIMING) if p
        )
    if topical:
        return Answer(ARTICLE.section(topical[0].section_id), topical)
    if intent == PERSONAL_MEDICAL_INTENT:
        passage = ARTICLE.passage(PERSONAL_MEDICAL_PASSAGE)
        return Answer(ARTICLE.section(passage.section_id), (passage,))
    if section_id is not None:
        section = ARTICLE.section(section_id)
        return Answer(section, section.passages)
    return None

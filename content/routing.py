"""Maps a question (intent + entities + conversation context) to article passages.

The routing tables below are checked against the parsed article when this module is
loaded (a typo in a passage id stops the server from starting). Topics are the canonical
values of content/vocabulary.py. It knows nothing about Rasa.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from content.article import SECTION_HEADINGS, Article, ArticleError, Passage, Section, load_article
from content.vocabulary import TIMING, canonical_value

FOLLOWUP_INTENT = "ask_followup"
SHOW_SECTION_INTENT = "show_section"
PERSONAL_MEDICAL_INTENT = "ask_personal_medical"

# The entity a "show the whole section" button payload carries
# (/show_section{"section": "aftercare"}).
SECTION = "section"

# FAQ intents answered by a whole section unless the question names a topic.
INTENT_SECTIONS: dict[str, str] = {
    "ask_what_is": "what_is",
    "ask_areas": "areas",
    "ask_how_it_works": "how_it_works",
    "ask_suitability": "suitability",
    "ask_avoid_before": "avoid_before",
    "ask_preparation": "preparation",
    "ask_aftercare": "aftercare",
}

# Finer FAQ intents answered by specific passages.
INTENT_PASSAGES: dict[str, list[str]] = {
    "ask_pregnancy": ["suitability.pregnancy_and_breastfeeding"],
    "ask_bruising": ["aftercare.item3"],
    "ask_hair_loss": ["what_is.p3"],
    "ask_return_to_work": ["aftercare.p1"],
}

# Instructions tied to a moment: advice for one moment must never answer a question
# about another ("coffee after?" must not get the "before" bullet as if it applied).
# A question classified under a section may borrow a passage from another section
# only when neither is timed (hair loss is in "what it is", asked as "what it treats").
TIMED_SECTIONS = frozenset({"avoid_before", "preparation", "aftercare"})

# Personal medical questions without a more specific topic get this passage, which
# tells the patient to disclose their history to the professional treating them.
PERSONAL_MEDICAL_PASSAGE = "suitability.overall_health"

# canonical value -> the article passages that answer it, in order of preference.
# When the question's intent names a section, the candidate in that section wins;
# passage ids come from content/article.py (section id + bullet label or position).
TOPIC_PASSAGES: dict[str, list[str]] = {
    # body areas
    "face": ["areas.face"],
    "neck and décolletage": ["areas.neck_and_decolletage"],
    "body": ["areas.body"],
    "abdomen": ["areas.body"],
    "thighs": ["areas.body"],
    "hips": ["areas.body"],
    "buttocks": ["areas.body"],
    "arms": ["areas.body"],
    "love handles": ["areas.body"],
    "double chin": ["areas.body"],
    "hands": ["areas.hands"],
    "scalp": ["what_is.p3"],
    # substances
    "Gingko Biloba": ["avoid_before.item1"],
    "Willow Bark": ["avoid_before.item1"],
    "caffeine": ["avoid_before.item2"],
    "Vitamin E": ["avoid_before.item3"],
    "Aspirin": ["avoid_before.item3"],
    "anti-inflammatory drugs": ["avoid_before.item3"],
    "prescription stimulants": ["avoid_before.item4"],
    "Medrol": ["preparation.item1", "aftercare.item4"],
    "antibacterial soap": ["preparation.item1"],
    "lotions and creams": ["preparation.item2", "aftercare.item2"],
    "Arnica": ["preparation.item3"],
    "protein": ["preparation.item3"],
    "water": ["aftercare.item1"],
    "sunscreen": ["aftercare.item4"],
    "Lasix": ["aftercare.item4"],
    "hyaluronic acid": ["what_is.p2", "how_it_works.p1"],
    "vitamins": ["what_is.p2", "how_it_works.p1"],
    "insulin": ["suitability.note1"],
    "blood thinners": ["suitability.overall_health"],
    # conditions
    "pregnancy": ["suitability.pregnancy_and_breastfeeding"],
    "breastfeeding": ["suitability.pregnancy_and_breastfeeding"],
    "allergies": ["suitability.allergies_and_sensitivities"],
    "diabetes": ["suitability.note1"],
    "obesity": ["suitability.note1"],
    "autoimmune diseases": ["suitability.note1"],
    "infections": ["suitability.note1"],
    "medical conditions": ["suitability.overall_health"],
    "hair loss": ["what_is.p3"],
    "cellulite": ["what_is.p3", "areas.body"],
    "wrinkles": ["areas.face", "what_is.p3"],
    "sagging skin": ["areas.face", "areas.neck_and_decolletage"],
    "fat": ["how_it_works.lipolysis_and_fat_reduction", "areas.body"],
    "age spots": ["areas.hands"],
    "bruising": ["aftercare.item3"],
    "skin texture": ["what_is.p2", "areas.face"],
    # activities
    "showers": ["aftercare.item1"],
    "hot baths": ["aftercare.item1"],
    "hot tubs": ["aftercare.item2"],
    "saunas": ["aftercare.item2"],
    "exercise": ["aftercare.item2"],
    "sunbathing": ["aftercare.item4"],
    "return to work": ["aftercare.p1"],
    "loose-fitting clothes": ["aftercare.item3"],
    "needle": ["what_is.p1"],
    # how it works
    "localized effect": ["how_it_works.localized_effect"],
    "circulation": ["how_it_works.improved_circulation_and_lymphatic_drainage"],
    "collagen": ["how_it_works.stimulation_of_collagen_and_elastin_production", "areas.face"],
    "lipolysis": ["how_it_works.lipolysis_and_fat_reduction"],
}

# A bare "and before?" / "and after?" follow-up moves to these sections.
TIMING_SECTIONS: dict[str, str] = {"before": "avoid_before", "after": "aftercare"}

# Every intent the article answers: the FAQ list the rest of the project derives from.
ANSWER_INTENTS: tuple[str, ...] = (
    *INTENT_SECTIONS,
    *INTENT_PASSAGES,
    FOLLOWUP_INTENT,
    SHOW_SECTION_INTENT,
    PERSONAL_MEDICAL_INTENT,
)


Entity = tuple[str, str]  # (label, value)


@dataclass(frozen=True)
class Answer:
    section: Section
    passages: tuple[Passage, ...]

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
        if (
            lead_in
            and lead_in not in self.passages
            and all(p.kind == "bullet" for p in self.passages)
        ):
            lines.insert(0, lead_in.text)
        return "\n".join(lines)


def validate_tables(article: Article) -> None:
    """Fails loudly when a table names a section or passage the article does not have."""
    problems: list[str] = []
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
        problems += [
            f"{where} -> unknown passage {pid!r}" for pid in ids if pid not in article.passages
        ]
    if problems:
        raise ArticleError("answer tables do not match the article:\n  " + "\n  ".join(problems))


ARTICLE = load_article()
validate_tables(ARTICLE)


def _topic_passage(value: str, section_id: str | None) -> Passage | None:
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


def _unique(passages: Iterable[Passage]) -> tuple[Passage, ...]:
    seen: list[Passage] = []
    for passage in passages:
        if passage not in seen:
            seen.append(passage)
    return tuple(seen)


def section_for(
    intent: str, entities: Sequence[Entity], context_section: str | None
) -> str | None:
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
    intent: str, entities: Sequence[Entity] = (), context_section: str | None = None
) -> Answer | None:
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
        p
        for p in (
            _topic_passage(value, section_id) for label, value in entities if label != TIMING
        )
        if p
    )
    if not topical and section_id is not None and intent == FOLLOWUP_INTENT:
        # "what about hands?" after an answer about aftercare: the topic is not in the
        # current section, but it is in the article.
        topical = _unique(
            p
            for p in (_topic_passage(value, None) for label, value in entities if label != TIMING)
            if p
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

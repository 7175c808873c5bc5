"""Maps a question (intent + entities + conversation context + its words) to article passages.

The intent says which section a question is about; the message's own words say which
passage of it: the passage that contains the asked-about term (a vocabulary term, or a
word only one or two passages use), ranked by TF-IDF similarity (content/passage_search.py)
with the intent's section and the tables below as priors. A question naming nothing in
particular gets the whole section; a message asking two things gets both answers.

The routing tables below are checked against the parsed article when this module is
loaded (a typo in a passage id stops the server from starting). Topics are the canonical
values of content/vocabulary.py. It knows nothing about Rasa.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from content.article import SECTION_HEADINGS, Article, ArticleError, Passage, Section, load_article
from content.passage_search import (
    PassageIndex,
    Term,
    expand,
    find_terms,
    normalise,
    split_questions,
    stem,
)
from content.replies import TIMING_NOTE
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
# Such a question gets the other moment's advice only under TIMING_NOTE (replies.py),
# which says plainly when the guide gives it.
SECTION_TIMING: dict[str, str] = {
    "avoid_before": "before",
    "preparation": "before",
    "aftercare": "after",
}
TIMED_SECTIONS = frozenset(SECTION_TIMING)

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

# Ways of naming a whole section rather than a topic in it (on normalised text). They
# make a question general ("how much downtime?" is about all of aftercare, not about
# "return to work", the vocabulary's reading of "downtime"), and they choose the section
# when the intent cannot: a follow-up ("and how does it work?"), a "show me" without a
# section, or an intent the classifier was unsure of.
SECTION_PHRASES: dict[str, tuple[str, ...]] = {
    "areas": (
        r"\b(?:what|which) (?:other )?(?:areas?|parts?|zones?|places?)\b",
        r"\bbody (?:areas?|parts?|zones?)\b",
        r"\b(?:areas?|parts?|zones?) of (?:the|my|your|a) body\b",
        r"\bwhat (?:can|does|do) (?:it|this|mesotherapy|meso|you) treat\b",
    ),
    "how_it_works": (
        r"\bmechanisms?\b",
        r"\bscience\b",
        r"\bhow (?:does|do|did|would|will|can) (?:it|this|that|they|mesotherapy|meso|the "
        r"(?:treatment|injections?|shots?|procedure)) (?:actually |really |even |exactly )?"
        r"(?:work|act|function)\b",
        r"\bhow it (?:actually |really )?works\b",
    ),
    "suitability": (
        r"\bcontra ?indications?\b",
        r"\bcandidates?\b",
        r"\bsuitab(?:le|ility)\b",
        r"\beligib(?:le|ility)\b",
        r"\bfor everyone\b",
        r"\bwho (?:can|can't|cannot|should|shouldn't|is it for|must)\b",
    ),
    "preparation": (r"\bprep(?:are|aring|aration)?\b", r"\bget(?:ting)? ready\b"),
    "aftercare": (
        r"\bdown ?time\b",
        r"\bheal(?:ing)?(?: time| period| process)?\b",
        r"\brecover(?:y|ing)?(?: time| period)?\b",
        r"\bafter ?care\b",
        r"\bpost treatment\b",
    ),
}

# Words asking for everything: a question with one of these and no topic gets the whole
# section even if it uses a rare word, and one with a topic gets every passage about it.
GENERAL_PHRASES: tuple[str, ...] = (
    r"\ball\b",
    r"\beverything\b",
    r"\bgeneral(?:ly)?\b",
    r"\boverview\b",
    r"\bsummary\b",
    r"\brundown\b",
    r"\b(?:whole|full|complete|entire) (?:list|section|guide|instructions?|thing|story)\b",
    r"\blist\b",
)

# "Mesotherapy injections" names the treatment, not the needle the article mentions.
TREATMENT_PHRASES: tuple[str, ...] = (
    r"\bmeso(?:therapy)? (?:injections?|shots?|jabs?|needles?|treatments?|sessions?)\b",
)

# "How long before I can use the hot tub?": "before" here is not the treatment's moment.
NOT_A_MOMENT: tuple[str, ...] = (
    r"\bbefore (?:i|you|we|they|it|she|he|i'm|im) (?:can|could|may|might|am|are|is|will|"
    r"would|get to|be able)\b",
)

# Topics that usually name the treatment itself ("the injections", "the shots"): they
# count only as the only thing asked, in a question about what mesotherapy is or a
# follow-up without context ("and the needles?").
TREATMENT_TOPICS = frozenset({"needle"})
TREATMENT_TOPIC_SECTIONS = frozenset({"what_is", None})

# Words that name the treatment, the question or a moment, never what it is about: rare
# in the article ("appointment", "instructions" are in one lead-in each) but no topic.
_GENERIC_TEXT = """
    mesotherapy meso treatment treat procedure session appointment therapy guide say tell
    know question explain work help safe safety good ok need want drink take use make start
    finish follow following instruction advice advise recommend everyone people person
    patient general generally specific area avoid prepare time day week hour minute month
    long soon best exactly actually really thing expert possible common allow
"""
GENERIC_WORDS: frozenset[str] = frozenset(
    stem(w) for w in normalise(" ".join([*SECTION_HEADINGS.values(), _GENERIC_TEXT])).split()
)

# Prior weights of a passage's score; the TF-IDF similarity (0..1) only breaks ties
# among passages these rank alike. A passage the table lists for the topic comes
# first (the earlier the better), then one in the section the intent names, then one
# that also covers another topic of the question ("wrinkles on my hands").
LISTED_PRIOR = 2.0
LISTED_RANK_STEP = 0.1
HOME_PRIOR = 1.0
COVERS_PRIOR = 0.5

# Below this classifier confidence, the words of the message may choose the section.
UNCERTAIN_BELOW = 0.6
# When they do: the intent's section is preferred by this much similarity, and no
# section is chosen below MIN_SECTION_SIMILARITY (the message then says too little).
SECTION_PRIOR = 0.05
MIN_SECTION_SIMILARITY = 0.12

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
    """Article passages answering a question, from one section (plus the message's other
    questions' answers in `also`)."""

    section: Section
    passages: tuple[Passage, ...]
    # Said first when the guide gives this advice for another moment than the one asked
    # about (TIMING_NOTE).
    note: str = ""
    # The section the patient asked about when the quote comes from another one: the
    # conversation's context stays there ("and coffee?" after aftercare is still about
    # aftercare), and it gets a "show the whole section" button too.
    asked: Section | None = None
    also: tuple[Answer, ...] = ()

    @property
    def parts(self) -> tuple[Answer, ...]:
        """One answer per section the reply quotes, in the order of the questions."""
        return (replace(self, also=()), *self.also) if self.also else (self,)

    @property
    def is_whole_section(self) -> bool:
        return all(p.passages == p.section.passages and not p.note for p in self.parts)

    @property
    def context_section(self) -> str:
        """The section a follow-up to this answer ("and after?") is read against."""
        last = self.parts[-1]
        return (last.asked or last.section).id

    def text(self) -> str:
        return "\n\n".join(part._own_text() for part in self.parts)

    def _own_text(self) -> str:
        if self.passages == self.section.passages:
            lines = [self.section.full_text()]
        else:
            lines = [p.as_answer_line() for p in self.passages]
            # A lone bullet ("Reduce caffeine intake...") reads right only under its
            # lead-in ("...it is advised to avoid the following:"), so it comes along.
            lead_in, intro = self.section.lead_in, self.section.bullet_intro
            bullets = [i for i, p in enumerate(self.passages) if p.kind == "bullet"]
            if lead_in and intro and bullets and all(p.id != lead_in.id for p in self.passages):
                lines.insert(bullets[0], intro)
        return "\n".join([self.note, *lines] if self.note else lines)


def validate_tables(article: Article) -> None:
    """Fails loudly when a table names a section or passage the article does not have."""
    problems: list[str] = []
    for intent, section_id in INTENT_SECTIONS.items():
        if section_id not in article.sections:
            problems.append(f"INTENT_SECTIONS[{intent!r}] -> unknown section {section_id!r}")
    for where, ids in [
        ("TIMING_SECTIONS", TIMING_SECTIONS.values()),
        ("SECTION_TIMING", SECTION_TIMING),
        ("SECTION_PHRASES", SECTION_PHRASES),
        ("TREATMENT_TOPIC_SECTIONS", [s for s in TREATMENT_TOPIC_SECTIONS if s]),
    ]:
        problems += [f"{where} -> unknown section {s!r}" for s in ids if s not in article.sections]
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
INDEX = PassageIndex(ARTICLE)
_ORDER = {pid: i for i, pid in enumerate(ARTICLE.passages)}
# passage id -> the topics (canonical values) its text names, to see which passages
# answer two topics at once and whether an intent's passage is about what was asked.
_NAMES: dict[str, frozenset[str]] = {
    p.id: frozenset(t.value for t in find_terms(normalise(p.text)) if t.label != TIMING)
    | {topic for topic, ids in TOPIC_PASSAGES.items() if p.id in ids}
    for p in ARTICLE.passages.values()
}
_SECTION_PATTERNS = {
    section_id: [re.compile(p) for p in patterns]
    for section_id, patterns in SECTION_PHRASES.items()
}
_GENERAL = [re.compile(p) for p in GENERAL_PHRASES]
_TREATMENT = [re.compile(p) for p in TREATMENT_PHRASES]
_NOT_A_MOMENT = [re.compile(p) for p in NOT_A_MOMENT]


# --- reading the message -------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """What one question of a message says."""

    text: str = ""  # normalised
    topics: tuple[str, ...] = ()  # canonical values, timing excluded
    timings: frozenset[str] = frozenset()
    sections: tuple[str, ...] = ()  # sections the words name as a whole
    general: bool = False
    words: tuple[str, ...] = ()  # stems only one or two passages use
    said: frozenset[str] = frozenset()  # every term the words name, even left out

    @property
    def asks(self) -> bool:
        """It names something to answer (a timing alone only qualifies another question)."""
        return bool(self.topics or self.sections or self.words)


def read_clause(text: str) -> Clause:
    words = normalise(text)
    spans: list[tuple[int, int]] = []
    sections: list[str] = []
    for section_id, patterns in _SECTION_PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(words):
                spans.append(match.span())
                if section_id not in sections:
                    sections.append(section_id)
    spans += [m.span() for p in _TREATMENT for m in p.finditer(words)]
    not_moments = [m.span() for p in _NOT_A_MOMENT for m in p.finditer(words)]
    terms = find_terms(words)
    # A term inside a phrase naming a section is part of that phrase: "body" in "what
    # areas of the body", "downtime" (vocabulary: return to work) in "how much downtime".
    kept = [t for t in terms if not any(a <= t.start and t.end <= b for a, b in spans)]
    timings = [
        t
        for t in terms
        if t.label == TIMING and not any(a <= t.start and t.end <= b for a, b in not_moments)
    ]
    return Clause(
        text=expand(words, terms),
        topics=tuple(dict.fromkeys(t.value for t in kept if t.label != TIMING)),
        timings=frozenset(t.value for t in timings),
        sections=tuple(sections),
        general=any(p.search(words) for p in _GENERAL),
        # Words of a vocabulary term are the term's business ("morning" in "the morning
        # of" is a moment, not the preparation bullet that says "morning").
        words=tuple(INDEX.distinctive_words(_blank(words, terms), ignore=GENERIC_WORDS)),
        said=frozenset(t.value for t in terms),
    )


def _blank(words: str, terms: Sequence[Term]) -> str:
    for term in terms:
        words = words[: term.start] + " " * (term.end - term.start) + words[term.end :]
    return words


def _with_entities(clause: Clause, entities: Sequence[Entity]) -> Clause:
    """Adds what the NLU found and the words did not (a form only the ruler's lemma
    catches), but not a term the words left out on purpose ("downtime" in a section
    phrase)."""
    values = [(label, canonical_value(v)) for label, v in entities if label != SECTION]
    new = [(label, v) for label, v in values if v not in clause.said]
    topics = [v for label, v in new if label != TIMING and v in TOPIC_PASSAGES]
    timings = {v for label, v in new if label == TIMING and v in TIMING_SECTIONS}
    return replace(
        clause,
        topics=tuple(dict.fromkeys([*clause.topics, *topics])),
        timings=clause.timings | timings,
    )


def read_message(text: str, entities: Sequence[Entity] = ()) -> list[Clause]:
    """The questions of a message: one clause, or one per question it asks."""
    if not text.strip():
        return [_with_entities(Clause(), entities)]
    questions = split_questions(text)
    clauses: list[Clause] = []
    for clause in (read_clause(q) for q in questions if len(questions) > 1):
        if clause.asks or not clauses:
            clauses.append(clause)
        else:
            # "...before and after the treatment?": a timing alone qualifies the question
            # before it.
            clauses[-1] = replace(clauses[-1], timings=clauses[-1].timings | clause.timings)
    if sum(c.asks for c in clauses) < 2:
        # One question (perhaps said in several pieces): read as a whole, with the NLU's
        # entities, which cannot be told apart by question.
        return [_with_entities(read_clause(text), entities)]
    clauses = [c for c in clauses if c.asks]
    for i, clause in enumerate(clauses):
        if not clause.timings:
            # "can I shower and use the sauna after?": a timing said once covers both;
            # the nearest one before the question wins, else the nearest after it.
            near = [c.timings for c in [*clauses[i::-1], *clauses[i:]] if c.timings]
            clauses[i] = replace(clause, timings=near[0] if near else frozenset())
    return clauses


# --- choosing passages ---------------------------------------------------------------


def _part(passages: Iterable[Passage], note: str = "", asked: Section | None = None) -> Answer:
    """One section's answer, never ending on a lead-in that announces nothing."""
    chosen = sorted(set(passages), key=lambda p: _ORDER[p.id])
    section = ARTICLE.section(chosen[0].section_id)
    if asked is not None and asked.id == section.id:
        asked = None
    if any(p.kind == "bullet" for p in chosen):
        # The full lead-in is kept: its bullets follow it.
        chosen = [ARTICLE.passage(p.id) for p in chosen]
        return Answer(section, tuple(chosen), note, asked)
    standalone: list[Passage] = []
    for passage in chosen:
        alone = passage.standalone()
        if alone is None:
            # "...avoid the following:" says nothing by itself: what follows is the section.
            return Answer(section, section.passages, note, asked)
        standalone.append(alone)
    return Answer(section, tuple(standalone), note, asked)


def answer_with(passages: Sequence[str]) -> Answer:
    """The answer quoting these passages (of one section), as the routing would serve it."""
    return _part(ARTICLE.passage(pid) for pid in passages)


def _whole(section_id: str) -> Answer:
    section = ARTICLE.section(section_id)
    return Answer(section, section.passages)


def _fits(passage: Passage, timing: str | None) -> bool:
    """Advice for one moment never answers a question about another."""
    return timing is None or SECTION_TIMING.get(passage.section_id, timing) == timing


def _single(timings: frozenset[str]) -> str | None:
    return next(iter(timings)) if len(timings) == 1 else None


def _home(
    intent: str, clause: Clause, context: str | None, uncertain: bool, strict: bool
) -> str | None:
    """The section the question is about, which its passages are preferred from."""
    if intent in INTENT_SECTIONS:
        base: str | None = INTENT_SECTIONS[intent]
    elif intent in INTENT_PASSAGES:
        base = ARTICLE.passage(INTENT_PASSAGES[intent][0]).section_id
    elif intent == FOLLOWUP_INTENT:
        base = context
    else:
        return None
    timing = _single(clause.timings)
    moves = base is None or base in TIMED_SECTIONS or intent == FOLLOWUP_INTENT
    if timing and moves and SECTION_TIMING.get(base or "") != timing:
        # "and after?" after a "before" answer; "coffee before" in a message about after.
        return TIMING_SECTIONS[timing]
    if clause.sections and (base is None or uncertain or intent == FOLLOWUP_INTENT):
        return clause.sections[0]
    if uncertain and strict and not clause.topics:
        scores = INDEX.section_scores(clause.text)
        if base is not None:
            scores[base] += SECTION_PRIOR
        best = max(scores, key=scores.__getitem__)
        if scores[best] >= MIN_SECTION_SIMILARITY:
            return best
    return base


def _note(topic: str, passage: Passage, asked: str) -> str:
    return TIMING_NOTE.format(topic=topic, when=SECTION_TIMING[passage.section_id], other=asked)


def _topic_score(
    p: Passage, topics: Sequence[str], home: str | None, scores: dict[str, float]
) -> float:
    listed = [
        LISTED_PRIOR - LISTED_RANK_STEP * TOPIC_PASSAGES[t].index(p.id)
        for t in topics
        if p.id in TOPIC_PASSAGES.get(t, ())
    ]
    named = sum(t in _NAMES[p.id] for t in topics)
    home_prior = HOME_PRIOR * (p.section_id == home)
    return max(listed, default=0.0) + home_prior + COVERS_PRIOR * (named - 1) + scores[p.id]


def _topic_answers(
    clause: Clause, topics: Sequence[str], home: str | None, scores: dict[str, float]
) -> list[Answer]:
    """The passages naming the topics, for every moment asked about; a passage naming two
    of them ("wrinkles on my hands") answers both. A topic the guide has only for another
    moment is quoted under TIMING_NOTE."""
    timings: list[str | None] = [*sorted(clause.timings)] or [SECTION_TIMING.get(home or "")]
    chosen: list[tuple[Passage, str]] = []  # (passage, note)
    for timing in timings:
        uncovered = [
            t for t in topics if not any(t in _NAMES[p.id] and _fits(p, timing) for p, _ in chosen)
        ]
        while uncovered:
            fitting = [
                p
                for p in ARTICLE.passages.values()
                if _fits(p, timing) and any(t in _NAMES[p.id] for t in uncovered)
            ]
            if not fitting:
                break
            best = max(fitting, key=lambda p: _topic_score(p, uncovered, home, scores))
            named = [t for t in uncovered if t in _NAMES[best.id]]
            chosen.append((best, ""))
            if clause.general:
                # "everything about Medrol": every passage the table gives for it.
                listed = [ARTICLE.passage(pid) for t in named for pid in TOPIC_PASSAGES[t]]
                chosen += [(p, "") for p in listed if _fits(p, timing)]
            uncovered = [t for t in uncovered if t not in named]
        for topic in uncovered:
            listed = [ARTICLE.passage(pid) for pid in TOPIC_PASSAGES.get(topic, ())]
            if listed and timing is not None:
                # The guide has this only for the other moment: quote it, saying so.
                best = max(listed, key=lambda p: _topic_score(p, [topic], home, scores))
                chosen.append((best, _note(topic, best, timing)))
    return _group(chosen, ARTICLE.section(home) if home else None)


def _by_words(
    clause: Clause, home: str | None, timing: str | None, scores: dict[str, float]
) -> list[Passage]:
    """The passages using the message's rare words, best first."""
    found = {pid for word in clause.words for pid in INDEX.passages_with.get(word, ())}
    candidates = [ARTICLE.passage(pid) for pid in found]

    def score(p: Passage) -> float:
        uses = sum(p.id in INDEX.passages_with.get(w, ()) for w in clause.words)
        return scores[p.id] + HOME_PRIOR * (p.section_id == home) + COVERS_PRIOR * uses

    return sorted((p for p in candidates if _fits(p, timing)), key=score, reverse=True)


def _group(chosen: Sequence[tuple[Passage, str]], asked: Section | None) -> list[Answer]:
    """One answer per section, in the order first chosen, notes kept."""
    by_section: dict[str, list[tuple[Passage, str]]] = {}
    for passage, note in chosen:
        by_section.setdefault(passage.section_id, []).append((passage, note))
    answers = []
    for items in by_section.values():
        notes = list(dict.fromkeys(note for _, note in items if note))
        # Only a quote with a timing note keeps the conversation in the asked section.
        answers.append(_part((p for p, _ in items), " ".join(notes), asked if notes else None))
    return answers


def _route(
    intent: str,
    clause: Clause,
    context: str | None,
    uncertain: bool,
    strict: bool,
) -> list[Answer]:
    """The answers to one question. `strict`: the intent was given to this very question
    (not to a whole message asking several)."""
    home = _home(intent, clause, context, uncertain, strict)
    scores = INDEX.passage_scores(clause.text) if clause.text else dict.fromkeys(_ORDER, 0.0)
    topics = list(clause.topics)

    if intent in INTENT_PASSAGES:
        own = [ARTICLE.passage(pid) for pid in INTENT_PASSAGES[intent]]
        about = any(t in _NAMES[p.id] for p in own for t in topics)
        if home is not None and home in clause.sections and not topics:
            # "how much downtime?" classified as "back to work": all of aftercare.
            return [_whole(home)]
        if about or not topics or (strict and not uncertain):
            return [_part(own)]
        # The message names something its intent's passage does not (a second question,
        # or an intent the classifier was unsure of): the topics decide.
        home = _home(FOLLOWUP_INTENT, clause, None, uncertain, strict)

    confident = strict and not uncertain and intent != FOLLOWUP_INTENT and home is not None
    others = [t for t in topics if t not in TREATMENT_TOPICS]
    if others or home not in TREATMENT_TOPIC_SECTIONS or intent == PERSONAL_MEDICAL_INTENT:
        topics = others
    if confident:
        topics = _in_scope(topics, home)
    if topics:
        answers = _topic_answers(clause, topics, home, scores)
        if answers:
            return answers

    if clause.words and not clause.general and not (home and home in clause.sections):
        timing = _single(clause.timings) or SECTION_TIMING.get(home or "")
        found = _by_words(clause, home, timing, scores)
        if confident:
            # A rare word elsewhere in the article is more often a coincidence ("allowed")
            # than a sign the confident intent is wrong.
            found = [p for p in found if p.section_id == home]
        if found:
            best = found[0]
            alone = best.standalone()
            if best.is_lead_in and alone is not None and not _uses(alone, clause.words):
                # The word is in the sentence announcing the bullets ("several proposed
                # mechanisms...:"): what it announces is the answer.
                return [_whole(best.section_id)]
            return [_part([best])]

    if intent == PERSONAL_MEDICAL_INTENT:
        return [_part([ARTICLE.passage(PERSONAL_MEDICAL_PASSAGE)])]
    if len(clause.timings) > 1 and (home is None or home in TIMED_SECTIONS):
        # "what should I avoid before and after?": both moments' sections.
        return [_whole(TIMING_SECTIONS[t]) for t in sorted(clause.timings, reverse=True)]
    if home is not None:
        return [_whole(home)]
    return []


def _uses(passage: Passage, words: Iterable[str]) -> bool:
    said = {stem(w) for w in normalise(passage.text).split()}
    return any(w in said for w in words)


def _timed(passage_id: str) -> bool:
    return ARTICLE.passage(passage_id).section_id in TIMED_SECTIONS


def _in_scope(topics: Sequence[str], home: str | None) -> list[str]:
    """The topics a question the classifier is sure about asks, as opposed to mentions.

    In a question about a moment, an area or a condition only qualifies it ("aftercare
    for my face": the whole aftercare section), and in one about what mesotherapy is or
    does, an instruction is a passing remark ("no matter how much I work out"): a topic
    counts only if the table answers it from the same kind of section (other moments are
    then checked by timing). Topics answered from the question's own section come first:
    "soap" in "wash my face with a special soap first?" asked about preparation.
    """
    timed = home in TIMED_SECTIONS
    same_kind = [
        t for t in topics if any(_timed(pid) == timed for pid in TOPIC_PASSAGES.get(t, ()))
    ]
    own = [
        t
        for t in same_kind
        if any(ARTICLE.passage(pid).section_id == home for pid in TOPIC_PASSAGES.get(t, ()))
    ]
    return own or same_kind


def _combine(answers: Sequence[Answer]) -> Answer | None:
    """One reply: each section once (a whole section absorbs its passages)."""
    merged: dict[str, Answer] = {}
    for answer in answers:
        key = answer.section.id
        if key not in merged:
            merged[key] = answer
            continue
        old = merged[key]
        note = " ".join(dict.fromkeys(n for n in (old.note, answer.note) if n))
        if old.passages == old.section.passages or answer.passages == answer.section.passages:
            merged[key] = replace(old, passages=old.section.passages, note=note)
        else:
            merged[key] = _part([*old.passages, *answer.passages], note, old.asked)
    parts = list(merged.values())
    if not parts:
        return None
    return replace(parts[0], also=tuple(parts[1:]))


def answer_for(
    intent: str,
    entities: Sequence[Entity] = (),
    context_section: str | None = None,
    text: str = "",
    confidence: float | None = None,
) -> Answer | None:
    """The article passages answering a message, or None when the article has no answer.

    `text` is the patient's message (empty: decide on intent and entities alone, as for a
    button payload); `confidence` is the classifier's, None when the intent is certain.
    """
    if text.lstrip().startswith("/") or intent not in ANSWER_INTENTS:
        # A button payload ("/show_section{...}") is not the patient's words, and an
        # intent the article does not answer is not routed by them.
        text = ""
    uncertain = confidence is not None and confidence < UNCERTAIN_BELOW

    if intent == SHOW_SECTION_INTENT:
        requested = next((v for label, v in entities if label == SECTION), None)
        if requested is None and text:
            # "show me everything about aftercare": the section named in the words.
            clause = _with_entities(read_clause(text), entities)
            timing = _single(clause.timings)
            named = clause.sections[0] if clause.sections else TIMING_SECTIONS.get(timing or "")
            requested = named or context_section
        elif requested is None:
            requested = context_section
        if requested not in SECTION_HEADINGS:
            return None
        return _whole(requested)

    clauses = read_message(text, entities)
    strict = len(clauses) == 1
    answers = [
        answer
        for clause in clauses
        for answer in _route(intent, clause, context_section, uncertain, strict)
    ]
    return _combine(answers)

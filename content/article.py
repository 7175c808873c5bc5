"""The article, parsed once into sections and passages with stable ids.

Passage ids are `<section id>.<name>`: a labelled bullet ("- Face: ...") is named by
its label (`areas.face`), an unlabelled bullet by its position (`avoid_before.item2`),
a paragraph before the bullets `p1`, `p2`..., and one after them `note1`...
Nothing here knows about Rasa, so it can be tested and reused on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from runtime.settings import ARTICLE_PATH

# Section ids, keyed by the article's own question headings. Start-up fails if the
# article loses one of these headings or gains one that is not listed here.
SECTION_HEADINGS: dict[str, str] = {
    "what_is": "What is Mesotherapy?",
    "areas": "What areas does Mesotherapy treat?",
    "how_it_works": "How does it work?",
    "suitability": "Is Mesotherapy for everyone?",
    "avoid_before": "What should I avoid before the treatment?",
    "preparation": "How do I prepare for a Mesotherapy session?",
    "aftercare": "What is the post-treatment instruction?",
}

# Short titles for buttons ("Show the whole ... section", "Did you mean ...?").
SECTION_TITLES: dict[str, str] = {
    "what_is": "What mesotherapy is",
    "areas": "Areas it treats",
    "how_it_works": "How it works",
    "suitability": "Who it is (not) for",
    "avoid_before": "What to avoid before",
    "preparation": "How to prepare",
    "aftercare": "Aftercare",
}

BULLET_PREFIX = "- "
# How a paragraph announces the bullets after it.
ANNOUNCES = ":"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words by which a sentence leans on the one before it.
CONNECTIVES = frozenset({"however", "additionally", "also", "but", "so", "therefore", "moreover"})
# "Face: Mesotherapy injections..." -> label "Face"; long sentences with a colon later on
# are not labels, so the label must come early and be short.
LABEL_PATTERN = re.compile(r"^(?P<label>[^:.]{2,60}):\s+(?P<rest>.+)$")


class ArticleError(ValueError):
    """The article or a table pointing into it is not what the assistant expects."""


@dataclass(frozen=True)
class Passage:
    id: str
    section_id: str
    kind: str  # "paragraph" or "bullet"
    text: str
    label: str | None = None

    def as_answer_line(self) -> str:
        return f"{BULLET_PREFIX}{self.text}" if self.kind == "bullet" else self.text

    @property
    def is_lead_in(self) -> bool:
        """A paragraph announcing what follows ("...do the following:")."""
        return self.kind == "paragraph" and self.text.endswith(ANNOUNCES)

    def standalone(self) -> Passage | None:
        """A lead-in without its announcing sentence, or None if nothing else is left.

        "After Mesotherapy, you can return to work. However, it is best to do the
        following:" stands alone as "After Mesotherapy, you can return to work."
        """
        if not self.is_lead_in:
            return self
        sentences = SENTENCE_END.split(self.text)
        while sentences and sentences[-1].endswith(ANNOUNCES):
            sentences.pop()
        return replace(self, text=" ".join(sentences)) if sentences else None


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    passages: tuple[Passage, ...]

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.id]

    @property
    def lead_in(self) -> Passage | None:
        """The paragraph introducing the bullets ("...avoid the following:"), if any."""
        leads = [p for p in self.passages if p.is_lead_in]
        return leads[-1] if leads else None

    @property
    def bullet_intro(self) -> str | None:
        """What a bullet quoted alone is put under: the lead-in's announcing sentence
        ("Here are some common areas...:"), or the whole lead-in when that sentence leans
        on the one before it ("...return to work. However, it is best to do the following:").
        """
        if self.lead_in is None:
            return None
        last = SENTENCE_END.split(self.lead_in.text)[-1]
        leans = last.split(maxsplit=1)[0].strip(",").lower() in CONNECTIVES
        return self.lead_in.text if leans else last

    def full_text(self) -> str:
        return "\n".join(p.as_answer_line() for p in self.passages)


@dataclass(frozen=True)
class Article:
    sections: dict[str, Section]
    closing: str | None = None
    passages: dict[str, Passage] = field(default_factory=dict)

    def section(self, section_id: str) -> Section:
        try:
            return self.sections[section_id]
        except KeyError:
            raise ArticleError(f"the article has no section {section_id!r}") from None

    def passage(self, passage_id: str) -> Passage:
        try:
            return self.passages[passage_id]
        except KeyError:
            raise ArticleError(f"the article has no passage {passage_id!r}") from None


def slugify(label: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def parse_article(text: str) -> Article:
    heading_ids = {heading: section_id for section_id, heading in SECTION_HEADINGS.items()}
    sections: dict[str, list[Passage]] = {}
    headings: dict[str, str] = {}
    current: str | None = None
    counters: dict[str, dict[str, int]] = {}

    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if line.endswith("?") and not line.startswith(BULLET_PREFIX):
            if line not in heading_ids:
                raise ArticleError(
                    f"article heading {line!r} has no section id in SECTION_HEADINGS "
                    "(content/article.py)"
                )
            current = heading_ids[line]
            headings[current] = line
            sections[current] = []
            counters[current] = {"p": 0, "item": 0, "note": 0}
            continue
        if current is None:
            raise ArticleError(f"article text before the first heading: {line[:60]!r}")
        count = counters[current]
        passages = sections[current]
        if line.startswith(BULLET_PREFIX):
            body = line[len(BULLET_PREFIX) :].strip()
            count["item"] += 1
            match = LABEL_PATTERN.match(body)
            label = match.group("label") if match else None
            name = slugify(label) if label else f"item{count['item']}"
            passages.append(Passage(f"{current}.{name}", current, "bullet", body, label))
        elif any(p.kind == "bullet" for p in passages):
            count["note"] += 1
            passages.append(Passage(f"{current}.note{count['note']}", current, "paragraph", line))
        else:
            count["p"] += 1
            passages.append(Passage(f"{current}.p{count['p']}", current, "paragraph", line))

    missing = set(SECTION_HEADINGS) - set(sections)
    if missing:
        raise ArticleError(f"article is missing the sections {sorted(missing)}")

    # The article ends with a call to action for the clinic right after the aftercare
    # bullets; it is not aftercare advice, so it is kept apart from that section.
    closing = None
    last_id = list(sections)[-1]
    if sections[last_id] and sections[last_id][-1].id.startswith(f"{last_id}.note"):
        closing = sections[last_id].pop().text

    built = {
        section_id: Section(section_id, headings[section_id], tuple(passages))
        for section_id, passages in sections.items()
    }
    all_passages: dict[str, Passage] = {}
    for section in built.values():
        for passage in section.passages:
            if passage.id in all_passages:
                raise ArticleError(f"two passages share the id {passage.id!r}")
            all_passages[passage.id] = passage
    return Article(built, closing, all_passages)


@lru_cache(maxsize=1)
def load_article(path: Path = ARTICLE_PATH) -> Article:
    return parse_article(path.read_text(encoding="utf-8"))

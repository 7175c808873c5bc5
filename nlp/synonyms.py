"""Writes data/synonyms.yml, Rasa's view of the vocabulary in content/vocabulary.py.

The entity ruler finds a term as the patient wrote it ("espresso"); Rasa's
EntitySynonymMapper turns it into the article's word ("caffeine") with these synonyms.
The file is generated, committed for review, and a test keeps it in sync.

    python -m nlp.synonyms
"""

from __future__ import annotations

from content.vocabulary import RULER_LABELS, VOCABULARY
from runtime.settings import SYNONYMS_FILE

HEADER = (
    "# Generated from content/vocabulary.py by `make synonyms`: do not edit.\n"
    'version: "3.1"\n'
    "nlu:\n"
)


def synonyms_yaml() -> str:
    blocks = []
    for label in RULER_LABELS:
        for canonical, variants in VOCABULARY[label].items():
            others = sorted({v.lower() for v in variants} - {canonical.lower()})
            examples = "".join(f"      - {variant}\n" for variant in others)
            blocks.append(f"  - synonym: {canonical}\n    examples: |\n{examples}")
    return HEADER + "".join(blocks)


def main() -> None:
    SYNONYMS_FILE.write_text(synonyms_yaml(), encoding="utf-8")
    print(f"wrote {SYNONYMS_FILE}")


if __name__ == "__main__":
    main()

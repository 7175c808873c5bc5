"""Builds the project's own spaCy pipeline, which Rasa's SpacyNLP loads by path.

No English model for spaCy 3.4 can be installed here, so the pipeline is made from code:
a blank English tokenizer, the lookup lemmatizer from spacy-lookups-data (so "thighs" and
"thigh" count as one word for the featurizers) and an entity ruler of the domain's terms.

    python -m nlp.build_pipeline [output dir]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from content.vocabulary import RULER_LABELS, VOCABULARY
from runtime.settings import PIPELINE_DIR


def ruler_patterns() -> list[dict[str, Any]]:
    return [
        {"label": label, "pattern": variant, "id": canonical}
        for label in RULER_LABELS
        for canonical, variants in VOCABULARY[label].items()
        for variant in sorted({canonical.lower(), *variants})
    ]


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    assert isinstance(ruler, EntityRuler)
    # initialize() loads the lemma tables; the ruler's phrase patterns are run through
    # the pipeline (lemmatizer included), so they can only be added afterwards.
    nlp.initialize()
    ruler.add_patterns(ruler_patterns())
    nlp.meta["name"] = "mesotherapy_terms"
    nlp.meta["description"] = (
        "blank en + lookup lemmatizer + entity ruler of content/vocabulary.py"
    )
    return nlp


def main(output: Path = PIPELINE_DIR) -> None:
    nlp = build_pipeline()
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    print(f"spaCy pipeline with {len(ruler_patterns())} term patterns written to {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PIPELINE_DIR)

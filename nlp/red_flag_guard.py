"""Rasa NLU component: the red-flag safety net beside the intent classifier.

It runs last in the pipeline, after the FallbackClassifier, so a described emergency
becomes `report_emergency` (and self-harm `report_self_harm`) even when the classifier
was unsure or picked an FAQ intent.

What counts is decided by nlp/red_flag_detector.py (the concept matcher and the red-flag
classifier), exactly as on the channels' own path. When the detector is only unsure, or
when DIET alone says `report_emergency` (it also fires on calm questions that share the
words: "could I faint from the needles?"), the message becomes `nlu_fallback` with the
urgent intent ranked first, which asks the patient ("Is this happening to you now?" with
an urgent-help button first) instead of guessing either way.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.red_flag_detector import judge, warm_up

EMERGENCY_INTENT = "report_emergency"
SELF_HARM_INTENT = "report_self_harm"
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagGuard:
        # The server loads the model at start-up: fit the classifier then, not on a turn.
        warm_up()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            verdict = judge(message.get(TEXT) or "")
            if verdict.kind is not None:
                name = SELF_HARM_INTENT if verdict.kind == "crisis" else EMERGENCY_INTENT
                # Ranked first either way: "did you mean?" then offers urgent help first.
                ranking = [{"name": name, "confidence": 1.0}] + [
                    r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name
                ]
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                intent = ranking[0] if verdict.at_once else _unsure()
                message.set(INTENT, intent, add_to_output=True)
            elif (message.get(INTENT) or {}).get("name") in (EMERGENCY_INTENT, SELF_HARM_INTENT):
                message.set(INTENT, _unsure(), add_to_output=True)
        return messages


def _unsure() -> dict[str, Any]:
    return {"name": FALLBACK_INTENT, "confidence": 1.0}

"""Rasa NLU component: the red-flag safety net beside the intent classifier.

It runs last in the pipeline, after the FallbackClassifier, so a described emergency
becomes `report_emergency` (and self-harm `report_self_harm`) even when the classifier
was unsure or picked an FAQ intent.

The other way round, the classifier alone is not trusted with an emergency: it also
fires on calm questions that share the words ("could I faint from the needles?"). When
it says `report_emergency` and the matcher sees no emergency, the message becomes
`nlu_fallback`, which asks the patient ("Is this happening to you now?" with an urgent
help button first) instead of guessing either way.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.red_flags import assess

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
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            flag = assess(message.get(TEXT) or "")
            if flag is not None:
                name = SELF_HARM_INTENT if flag.kind == "crisis" else EMERGENCY_INTENT
                intent = {"name": name, "confidence": 1.0}
                ranking = [intent] + [
                    r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            elif (message.get(INTENT) or {}).get("name") in (EMERGENCY_INTENT, SELF_HARM_INTENT):
                unsure = {"name": FALLBACK_INTENT, "confidence": 1.0}
                message.set(INTENT, unsure, add_to_output=True)
        return messages

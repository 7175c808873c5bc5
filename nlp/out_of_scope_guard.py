"""Rasa NLU component: a question the article cannot answer becomes `out_of_scope`.

The intent classifier always finds the nearest FAQ intent, so "how much for the
thighs?" would get the areas section and "can I drink wine after?" the aftercare one.
content/answerability.py says when the message asks something the article does not
cover (prices, sessions, results, other treatments...) or, the classifier being unsure,
uses no word of the article; the message then gets the honest "I can only answer..."
reply with suggestions and the clinic's contact, as any out-of-scope question does.

It runs after the FallbackClassifier and before the red-flag guard, which stays last:
a described emergency still overrides this decision.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from content.answerability import unanswerable

OUT_OF_SCOPE_INTENT = "out_of_scope"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OutOfScopeGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OutOfScopeGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name, confidence = intent.get("name"), intent.get("confidence")
            if not name or unanswerable(message.get(TEXT) or "", name, confidence) is None:
                continue
            # The classifier's ranking stays below, for the logs and "did you mean".
            rejected = {"name": OUT_OF_SCOPE_INTENT, "confidence": 1.0}
            ranking = [rejected] + [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != OUT_OF_SCOPE_INTENT
            ]
            message.set(INTENT, rejected, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

"""Fixes to Rasa 3.6 internals on the server's hot path, applied once when Rasa loads
the project's channels (every channel module imports the `channels` package).

Each one was found by the benchmark (docs/benchmark-latest.md); each is small and
has no setting in Rasa 3.6 that would do the same. The tracker store's fixes live in
the store itself (stores/sqlite_tracker_store.py).
"""
from __future__ import annotations

from typing import Any, Dict

import rasa.core.actions.action as rasa_action
from jsonschema import ValidationError, validators

# Rasa waits up to 5 minutes for the action server; the REST channel answers the patient
# long before that, and this bounds the turn that finishes in the background.
ACTION_SERVER_TIMEOUT_SECONDS = 20


def _validate_with_a_validator_built_once() -> None:
    # RemoteAction._validate_action_result calls jsonschema.validate(), which checks the
    # large events schema against the meta-schema on every call: ~20 ms of CPU per answer.
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: rasa_action.RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += ". Failed to validate Action server response from API."
            raise

    rasa_action.RemoteAction._validate_action_result = _validate_action_result


def apply() -> None:
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_SERVER_TIMEOUT_SECONDS
    _validate_with_a_validator_built_once()

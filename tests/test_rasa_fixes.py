"""The fixes to Rasa's hot path keep Rasa's behaviour (channels/rasa_fixes.py)."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import channels  # noqa: F401  (applies the fixes, as Rasa loading a channel does)


def test_action_responses_are_still_validated():
    action = RemoteAction("action_answer_from_article", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"no_event_key": 1}]})

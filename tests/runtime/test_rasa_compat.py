"""The overrides of Rasa's internals (runtime/rasa_compat.py) are guarded and in effect."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
import rasa.core.actions.action as rasa_action
from jsonschema import ValidationError, validators
from rasa.utils.tensorflow.models import RasaModel

from runtime import rasa_compat


def apply_until_the_end_of_the_test(monkeypatch) -> None:
    """apply() in this process, undone afterwards (monkeypatch restores the originals)."""
    monkeypatch.setattr(
        rasa_action.RemoteAction,
        "_validate_action_result",
        rasa_action.RemoteAction._validate_action_result,
    )
    monkeypatch.setattr(
        rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT
    )
    monkeypatch.setattr(RasaModel, "load", rasa_compat.RASA_MODEL_LOAD)
    rasa_compat.apply()


@pytest.fixture
def applied(monkeypatch):
    apply_until_the_end_of_the_test(monkeypatch)


def schema_checks(monkeypatch) -> list[int]:
    """Counts the meta-schema checks of Rasa's action-response schema from now on."""
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    calls: list[int] = []
    original = validator_class.check_schema.__func__

    def counting(cls, *args, **kwargs):
        calls.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(validator_class, "check_schema", classmethod(counting))
    return calls


VALID = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []}


def test_action_responses_are_validated_without_checking_the_schema_each_time(
    applied, monkeypatch
):
    calls = schema_checks(monkeypatch)
    action = rasa_action.RemoteAction("action_answer_from_article", None)
    for _ in range(3):
        assert action._validate_action_result(VALID)
    # Stock Rasa checks the schema against its meta-schema on every answer.
    assert calls == []


def test_invalid_action_responses_are_still_refused(applied):
    action = rasa_action.RemoteAction("action_answer_from_article", None)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"no_event_key": 1}]})


def test_the_action_server_timeout_is_bounded(applied):
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == rasa_compat.ACTION_SERVER_TIMEOUT_SECONDS
    assert patched() == [
        "validator_built_once",
        "action_timeout",
        "model_load_without_training_step",
    ]


def patched() -> list[str]:
    """What apply() patches: the jax import is marked absent (or not) when the module is
    imported, depending on whether TensorFlow was imported before it."""
    return [name for name in rasa_compat.in_effect() if name != "jax_not_imported"]


def test_nothing_is_in_effect_before_apply():
    # Importing the module must not patch Rasa: only runtime/rasa_server.py applies.
    assert patched() == []


def test_apply_refuses_another_rasa_version(monkeypatch):
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: "3.7.0" if name == "rasa" else real_version(name),
    )
    with pytest.raises(rasa_compat.IncompatibleRasa, match="written for rasa 3.6.21, found 3.7.0"):
        rasa_compat.apply()
    assert patched() == []


def test_apply_refuses_when_a_target_is_gone(monkeypatch):
    monkeypatch.delattr(rasa_action.RemoteAction, "_validate_action_result")
    with pytest.raises(rasa_compat.IncompatibleRasa, match="no longer exists"):
        rasa_compat.check()


@pytest.mark.server
def test_the_running_rasa_server_has_every_override_in_effect(stack, patient):
    assert patient.text("What is mesotherapy?")  # a custom-action answer went through
    log = (stack.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    overrides = (
        "validator_built_once,action_timeout,model_load_without_training_step,jax_not_imported"
    )
    assert f"rasa_compat.applied overrides={overrides}\n" in log
    # TensorFlow Lite found no jax to import: none of its libraries are mapped.
    maps = Path(f"/proc/{stack.processes['rasa'].pid}/maps").read_text()
    assert "tensorflow" in maps and "jax" not in maps
    # The browser origins allowed to call the webhook are in the log (WEB_ORIGINS).
    assert f"rest.cors.allowed origins={stack.page_origin}," in log
    # The article's medical review is still a placeholder: the start-up says so.
    assert "content.review.warning" in log


def dev_set_texts() -> list[str]:
    import yaml

    from runtime.settings import ROOT

    data = yaml.safe_load((ROOT / "evaluation" / "nlu_dev.yml").read_text(encoding="utf-8"))
    return [
        line[2:].strip()
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]


def predictions(agent, texts: list[str]) -> list:
    import asyncio

    parsed = [asyncio.run(agent.parse_message(text)) for text in texts]
    return [[(r["name"], r["confidence"]) for r in p["intent_ranking"]] for p in parsed]


@pytest.mark.model
def test_the_model_loads_without_a_training_step_and_predicts_the_same(monkeypatch):
    import tensorflow as tf
    from rasa.core.agent import Agent

    from runtime.settings import MODEL

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    texts = dev_set_texts()
    # Rasa's own load first: it trains one step to build the model.
    expected = predictions(Agent.load(str(MODEL)), texts)

    apply_until_the_end_of_the_test(monkeypatch)

    def no_training(*args, **kwargs):
        raise AssertionError("the served model must not be trained to be loaded")

    monkeypatch.setattr(tf.keras.Model, "fit", no_training)
    assert predictions(Agent.load(str(MODEL)), texts) == expected  # the whole dev set

"""The action server serves exactly the custom actions that domain.yml lists (an action
the domain names but nobody registers fails only when a patient reaches it)."""

from __future__ import annotations

import yaml
from rasa_sdk.executor import ActionExecutor

from runtime.settings import ROOT


def test_the_action_server_registers_every_action_of_the_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain["actions"])

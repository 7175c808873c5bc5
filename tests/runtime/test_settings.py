"""Settings are defined once: the files that repeat a default must agree with the code."""

from __future__ import annotations

import re

import yaml

from runtime.settings import RASA_ENV, ROOT, RestLimits, ServeSettings

REST_CHANNEL = "channels.rest.GuardedRestInput"


def test_credentials_files_state_the_rest_limits_the_code_defaults_to():
    default = RestLimits()
    for name in ("credentials.yml", "credentials.channels.yml"):
        settings = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))[REST_CHANNEL]
        assert RestLimits.from_sources(settings, env={}) == default, name


def test_the_environment_overrides_the_credentials_file():
    limits = RestLimits.from_sources(
        {"max_message_chars": 2000}, env={"BOT_MAX_MESSAGE_CHARS": "500"}
    )
    assert limits.max_message_chars == 500


def test_the_makefile_runs_rasa_with_the_same_environment_as_the_servers():
    exported = dict(
        re.findall(r"^export (\w+) := (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    )
    expected = {**RASA_ENV, "PYTHONPATH": "$(CURDIR)"}
    assert {name: exported.get(name) for name in expected} == expected


def test_serve_settings_read_every_variable_with_its_default():
    assert ServeSettings.from_env({}) == ServeSettings()
    custom = ServeSettings.from_env({"RASA_PORT": "6000", "RASA_ENABLE_API": "yes"})
    assert (custom.rasa_port, custom.enable_api) == (6000, True)

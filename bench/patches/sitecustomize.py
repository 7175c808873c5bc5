"""Runs Rasa without the project's overrides: the `without-rasa-overrides` experiment.

This directory goes on the PYTHONPATH of that experiment's stack only
(bench/experiments.py), and Python imports `sitecustomize` at start-up. Once
runtime.rasa_compat is imported, its `apply()` does nothing, so runtime/rasa_server.py starts
Rasa 3.6 as shipped on the action path: what the overrides buy is then measured without
editing the project. BENCH_RASA_OVERRIDES_OFF names the overrides to leave out instead
of all of them (the `before-windowed-load` experiment). The
patch waits for the import, so a process that never imports the module (the action
server) is untouched; `make run` never loads this file.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

TARGET = "runtime.rasa_compat"
# "all", or some of: model_load_without_training_step (Rasa's load is kept as it was),
# jax_not_imported (TensorFlow, with jax, is imported before runtime.rasa_compat).
OFF = set(os.environ.get("BENCH_RASA_OVERRIDES_OFF", "all").split(","))


class _OverridesOff(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != TARGET:
            return None
        sys.meta_path.remove(self)  # find the real module without finding ourselves
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module  # type: ignore[union-attr]

        def exec_module(module: ModuleType) -> None:
            if OFF & {"all", "jax_not_imported"}:
                import tensorflow  # noqa: F401  (first, with jax, as Rasa imports it)
            load(module)
            apply = module.apply  # type: ignore[attr-defined]

            def apply_some() -> None:
                if "all" in OFF:
                    return
                apply()
                if "model_load_without_training_step" in OFF:
                    module.RasaModel.load = module.RASA_MODEL_LOAD  # type: ignore[attr-defined]

            module.apply = apply_some  # type: ignore[attr-defined]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _OverridesOff())

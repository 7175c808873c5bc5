"""Experiment-only changes to Rasa, switched on per benchmark stack by environment variables.

This directory is put on PYTHONPATH of the benchmark's experiment stacks only
(bench/experiments.py), to measure what a change would do before anyone edits the
project. `make run` never loads it. Python imports `sitecustomize` at start-up; each patch
waits until the module it changes is imported, so a process that never imports it (the
action server) is untouched.

BENCH_WITHOUT_PROJECT_FIXES=1
    channels/rasa_fixes.py's `apply()` does nothing: Rasa 3.6 as shipped on the action path
    (action responses validated by `jsonschema.validate()` on every call).
    Shows what the project's fixes buy.
BENCH_SQLITE_NORMAL=1
    Tracker-store SQLite connections use synchronous=NORMAL: in WAL mode, no fsync per
    commit. Set when a connection is checked out of the pool, i.e. after every "connect"
    listener (stores/sqlite_tracker_store.py sets synchronous=FULL).
"""
import importlib.abc
import importlib.util
import os
import sys


def _without_project_fixes(module):
    module.apply = lambda: None


def _sqlite_normal(module):
    import sqlite3

    import sqlalchemy as sa

    def on_checkout(connection, _record, _proxy):
        if isinstance(connection, sqlite3.Connection):
            connection.execute("PRAGMA synchronous=NORMAL")

    sa.event.listen(sa.pool.Pool, "checkout", on_checkout)


PATCHES = {
    "BENCH_WITHOUT_PROJECT_FIXES": ("channels.rasa_fixes", _without_project_fixes),
    "BENCH_SQLITE_NORMAL": ("rasa.core.tracker_store", _sqlite_normal),
}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, module_name, patch):
        self.module_name, self.patch = module_name, patch

    def find_spec(self, name, path, target=None):
        if name != self.module_name:
            return None
        sys.meta_path.remove(self)  # find the real module without finding ourselves
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            self.patch(module)

        spec.loader.exec_module = exec_module
        return spec


for variable, (module_name, patch) in PATCHES.items():
    if os.environ.get(variable) == "1":
        sys.meta_path.insert(0, _PatchOnImport(module_name, patch))

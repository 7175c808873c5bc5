"""Experiment-only changes to Rasa, switched on per benchmark stack by environment variables.

This directory is put on PYTHONPATH of the benchmark's experiment stacks only
(bench/experiments.py), to measure what a change would do before anyone edits the
project. `make run` never loads it. Python imports `sitecustomize` at start-up; each patch
waits until the module it changes is imported, so a process that never imports it (the
action server) is untouched.

BENCH_WITHOUT_PROJECT_FIXES=1
    channels/rasa_fixes.py's `apply()` does nothing: Rasa 3.6 as shipped (action responses
    validated by `jsonschema.validate()` on every call, SQLite's default rollback journal).
    Shows what the project's fixes buy.
BENCH_SQLITE_NORMAL=1
    Tracker-store SQLite connections use synchronous=NORMAL: in WAL mode, no fsync per
    commit. Set when a connection is checked out of the pool, i.e. after every "connect"
    listener (the project's sets synchronous=FULL).
BENCH_SQLITE_POOL=1
    The SQL tracker store keeps its SQLite connections in a pool. SQLAlchemy 1.4 gives
    file-based SQLite a NullPool: every load and every save opens a new connection (and
    runs the project's PRAGMAs) and closes it again.
BENCH_SQLITE_KNOWN_COUNT=1
    Saving a conversation does not count its stored events again (`_additional_events`
    runs a COUNT query with a sub-query on every save): the count comes from loading the
    conversation earlier in the same turn. Only valid while one Rasa process writes the
    database (the default profile); without a load in the same turn it counts as before.
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


def _sqlite_pool(module):
    import sqlalchemy as sa

    original_init = module.SQLTrackerStore.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    module.SQLTrackerStore.__init__ = __init__


def _sqlite_known_count(module):
    import itertools

    store = module.SQLTrackerStore
    original_retrieve, original_additional_events = store._retrieve, store._additional_events

    async def _retrieve(self, sender_id, fetch_events_from_all_sessions):
        tracker = await original_retrieve(self, sender_id, fetch_events_from_all_sessions)
        if not fetch_events_from_all_sessions:
            self.__dict__.setdefault("_known_counts", {})[sender_id] = len(tracker.events) if tracker else 0
        return tracker

    def _additional_events(self, session, tracker):
        known = self.__dict__.get("_known_counts", {}).pop(tracker.sender_id, None)
        if known is None:
            return original_additional_events(self, session, tracker)
        return itertools.islice(tracker.events, known, len(tracker.events))

    store._retrieve, store._additional_events = _retrieve, _additional_events


PATCHES = {
    "BENCH_WITHOUT_PROJECT_FIXES": ("channels.rasa_fixes", _without_project_fixes),
    "BENCH_SQLITE_NORMAL": ("rasa.core.tracker_store", _sqlite_normal),
    "BENCH_SQLITE_POOL": ("rasa.core.tracker_store", _sqlite_pool),
    "BENCH_SQLITE_KNOWN_COUNT": ("rasa.core.tracker_store", _sqlite_known_count),
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

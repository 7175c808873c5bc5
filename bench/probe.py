"""Run by bench/diagnostics.py in a separate process: what the project's Rasa process does
inside a turn, measured in-process.

It imports the project's `channels` package, as `rasa run` does when it loads a channel from
credentials.yml, so whatever the project changes in Rasa at that point (channels/rasa_fixes.py)
is in effect here too, and opens the project's tracker store as endpoints.yml names it. Reads one action-server response (JSON) on stdin, prints JSON.
It is a separate process because importing Rasa's core pulls in TensorFlow (seconds, ~500 MB),
which the load generator must not carry.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def cpu_ms_per_call(function, calls: int) -> float:
    function()  # first call outside the timing (imports, caches)
    start = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - start) / calls * 1000


def main() -> None:
    response = json.load(sys.stdin)
    import channels  # noqa: F401  (as Rasa loading a channel: applies the project's changes)
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_from_article", None)
    schema = RemoteAction.action_response_format_spec()
    result = {
        "validation_function": RemoteAction._validate_action_result.__module__,
        "project_validate_ms": cpu_ms_per_call(lambda: action._validate_action_result(dict(response)), 30),
        "stock_validate_ms": cpu_ms_per_call(lambda: jsonschema.validate(response, schema), 30),
    }
    # The SQLite settings a connection of the project's tracker store gets.
    from stores.sqlite_tracker_store import SQLiteTrackerStore

    with tempfile.TemporaryDirectory() as directory:
        engine = SQLiteTrackerStore(db=str(Path(directory) / "probe.db")).engine
        with engine.connect() as connection:
            result["sqlite_journal_mode"] = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            result["sqlite_synchronous"] = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                connection.exec_driver_sql("PRAGMA synchronous").scalar(), "?")
        engine.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

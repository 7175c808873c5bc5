"""Small in-process measurements that explain the end-to-end figures."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

import requests

from bench.procs import VENV_BIN, bench_env, ROOT
from bench.stats import percentile

# SQLite modes worth comparing: Rasa's default, WAL as the project may set it, WAL without
# an fsync per commit.
SQLITE_MODES = {
    ("delete", "FULL"): ["PRAGMA journal_mode=DELETE", "PRAGMA synchronous=FULL"],
    ("wal", "FULL"): ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"],
    ("wal", "NORMAL"): ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"],
}


def action_response(action_url: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    """One real response of the action server, to validate below."""
    response = requests.post(action_url, json=payload, timeout=30)
    response.raise_for_status()
    return response.json()


def project_probe(response: Dict[str, Any]) -> Dict[str, Any]:
    """bench/probe.py in a separate process: how the project's Rasa process validates an
    action response (CPU ms, with and without the project's changes to Rasa) and which
    SQLite journal mode and synchronous level its tracker store connections get."""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bench.probe"], cwd=ROOT, env=bench_env(), input=json.dumps(response),
        capture_output=True, text=True, timeout=300, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def sqlite_commit_cost(directory: Path, commits: int = 60) -> Dict[str, float]:
    """p50 wall time of one tracker-store commit on this disk, per SQLite mode. Each commit
    inserts a turn's worth of events (6 rows). It is mostly waiting for fsync, not CPU, but
    Rasa's tracker store is synchronous SQLAlchemy on the event loop, so every conversation
    waits while one turn commits."""
    def run(name: str, pragmas: List[str]) -> float:
        path = directory / f"commit-{name}.db"
        connection = sqlite3.connect(path)
        for pragma in pragmas:
            connection.execute(pragma)
        connection.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender TEXT, data TEXT)")
        connection.commit()
        times = []
        for number in range(commits):
            start = time.perf_counter()
            for _ in range(6):
                connection.execute("INSERT INTO events (sender, data) VALUES (?, ?)", (f"s{number % 20}", "x" * 400))
            connection.commit()
            times.append((time.perf_counter() - start) * 1000)
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return percentile(times, 50)

    return {f"{journal}+{sync}": run(f"{journal}-{sync}", pragmas) for (journal, sync), pragmas in SQLITE_MODES.items()}

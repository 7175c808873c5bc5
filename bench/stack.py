"""The assistant as the benchmark runs it: scripts/serve.py's `Stack` on free ports.

Each benchmark stack gets its own SQLite tracker store in a temporary directory (never
var/tracker.db), its logs under reports/logs/<name>/, rate limits switched off (one
client sends thousands of messages) and Rasa's HTTP API on with a random JWT secret, so
`POST /model/parse` can time NLU alone.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

import jwt
import requests

from bench.client import LoadRun
from bench.procs import CpuUsage, group_cpu_seconds, group_rss, machine_busy_seconds, own_cpu_seconds
from scripts.serve import HOST, MODEL, Stack, free_port

_started: List["BenchStack"] = []

# The REST channel's rate limits are on by default; a load test needs them off.
NO_RATE_LIMITS = {"BOT_RATE_LIMIT_PER_IP": "0/60", "BOT_RATE_LIMIT_PER_SENDER": "0/60"}


@dataclass
class ColdStart:
    """Seconds from spawning the processes, in the order `make run` starts them."""
    action_server_ready: float
    rasa_ready: float  # the REST webhook answers GET (the model is loaded by then)
    first_answer: float  # process start to the first reply through the REST webhook

    @property
    def total(self) -> float:
        return self.first_answer


class BenchStack:
    def __init__(self, name: str, work_dir: Path, log_root: Path, env: Optional[Dict[str, str]] = None,
                 model: Path = MODEL):
        self.name = name
        self.jwt_secret = secrets.token_hex(32)
        self.env = {**NO_RATE_LIMITS, "RASA_ENABLE_API": "1", "RASA_JWT_SECRET": self.jwt_secret, **(env or {})}
        work_dir.mkdir(parents=True, exist_ok=True)
        self.stack = Stack(
            rasa_port=free_port(), action_port=free_port(), web_port=free_port(),
            tracker_db=work_dir / f"{name}-tracker.db", log_dir=log_root / name, model=model,
            extra_env=self.env,
        )

    # --- URLs ------------------------------------------------------------------------
    @property
    def rest_url(self) -> str:
        return self.stack.rest_url

    @property
    def parse_url(self) -> str:
        return f"http://{HOST}:{self.stack.rasa_port}/model/parse"

    @property
    def action_url(self) -> str:
        return f"http://{HOST}:{self.stack.action_port}/webhook"

    @property
    def auth_headers(self) -> Dict[str, str]:
        token = jwt.encode({"user": {"username": "bench", "role": "admin"}}, self.jwt_secret, algorithm="HS256")
        return {"Authorization": f"Bearer {token}"}

    # --- life cycle --------------------------------------------------------------------
    def start(self) -> ColdStart:
        """Starts both servers as `make run` does and times the way to the first answer."""
        _started.append(self)
        begin = time.monotonic()
        self.stack.start_action_server(timeout=120)
        action_ready = time.monotonic() - begin
        self.stack.start_rasa(timeout=240)
        rasa_ready = time.monotonic() - begin
        reply = requests.post(self.rest_url, json={"sender": f"cold-start-{self.name}", "message": "hi"}, timeout=60)
        reply.raise_for_status()
        if not reply.json():
            raise RuntimeError(f"stack {self.name}: the first message got no reply")
        return ColdStart(action_ready, rasa_ready, time.monotonic() - begin)

    def stop(self) -> None:
        self.stack.stop()
        if self in _started:
            _started.remove(self)

    def rss(self) -> Dict[str, int]:
        """Resident memory (bytes) of the Rasa server and the action server, with children."""
        return {name: group_rss(process.pid) for name, process in self.stack.processes.items()}

    def cpu_seconds(self) -> Dict[str, float]:
        return {name: group_cpu_seconds(process.pid) for name, process in self.stack.processes.items()}

    def measured(self, run: Callable[[], LoadRun]) -> LoadRun:
        """Runs a load function and attaches who used the CPU meanwhile."""
        before, client, busy, start = self.cpu_seconds(), own_cpu_seconds(), machine_busy_seconds(), time.monotonic()
        result = run()
        after = self.cpu_seconds()
        rasa = after.get("rasa", 0) - before.get("rasa", 0)
        actions = after.get("actions", 0) - before.get("actions", 0)
        client = own_cpu_seconds() - client
        other = max(0.0, machine_busy_seconds() - busy - rasa - actions - client)
        result.cpu = CpuUsage(time.monotonic() - start, rasa, actions, client, other)
        return result


def stop_all_stacks() -> None:
    for stack in list(_started):
        stack.stop()

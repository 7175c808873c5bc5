"""Starts the assistant: action server, Rasa server (REST channel) and the chat page.

`make run` runs this module; the tests use `Stack` to start the same processes on free
ports. Stopping it (Ctrl+C, SIGTERM) stops every process it started.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "mesotherapy.tar.gz"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def rasa_env(**extra: str) -> Dict[str, str]:
    """The environment every Rasa process of the project runs with (as the Makefile's)."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra)
    return env


def http_api_args(env: Dict[str, str]) -> List[str]:
    """Rasa's HTTP API (models, training, conversations) stays off unless an operator
    turns it on, and then only with JWT authentication (an Authorization header)."""
    if env.get("RASA_ENABLE_API", "").lower() not in ("1", "true", "yes"):
        return []
    secret = env.get("RASA_JWT_SECRET", "")
    if len(secret) < 32:
        raise RuntimeError(
            "RASA_ENABLE_API needs RASA_JWT_SECRET (at least 32 characters): "
            "the HTTP API is never served without authentication"
        )
    return ["--enable-api", "--jwt-secret", secret, "--jwt-method", "HS256"]


@dataclass
class Stack:
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    tracker_db: Path = ROOT / "var" / "tracker.db"
    log_dir: Path = ROOT / "var" / "log"
    model: Path = MODEL
    extra_env: Dict[str, str] = field(default_factory=dict)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def page_url(self) -> str:
        return f"http://{HOST}:{self.web_port}/"

    @property
    def page_origin(self) -> str:
        return f"http://{HOST}:{self.web_port}"

    def env(self) -> Dict[str, str]:
        env = rasa_env()
        env.update(
            ACTION_SERVER_PORT=str(self.action_port),
            TRACKER_DB=str(self.tracker_db),
            WEB_ORIGINS=env.get("WEB_ORIGINS", f"{self.page_origin},http://localhost:{self.web_port}"),
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start_action_server(self, timeout: float = 60) -> None:
        process = self._spawn(
            "actions",
            [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
             "--port", str(self.action_port)],
        )
        wait_for(f"http://{HOST}:{self.action_port}/health", timeout, process)

    def start_rasa(self, timeout: float = 120) -> None:
        self.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        env = self.env()
        # One --cors with every origin: Rasa keeps only the last of repeated --cors flags.
        cors = ["--cors", *[origin.strip() for origin in env["WEB_ORIGINS"].split(",") if origin.strip()]]
        process = self._spawn(
            "rasa",
            [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--interface", HOST,
             "--port", str(self.rasa_port), "--credentials", env.get("RASA_CREDENTIALS", "credentials.yml"),
             "--endpoints", env.get("RASA_ENDPOINTS", "endpoints.yml"), *cors, *http_api_args(env)],
        )
        wait_for(f"http://{HOST}:{self.rasa_port}/webhooks/rest/", timeout, process)

    def start_web(self, timeout: float = 20) -> None:
        process = self._spawn(
            "web",
            [str(VENV_BIN / "python"), "-m", "http.server", str(self.web_port), "--bind", HOST,
             "--directory", str(ROOT / "web")],
        )
        wait_for(self.page_url, timeout, process)

    def start(self) -> "Stack":
        self.start_action_server()
        self.start_rasa()
        if (ROOT / "web" / "index.html").exists():
            self.start_web()
        return self

    def stop_one(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_one(name)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_stopped(
    what: str,
    start: Callable[[], object],
    processes: Callable[[], Dict[str, subprocess.Popen]],
    stop: Callable[[], None],
    announce: Callable[[], None],
    log_dir: Path,
) -> int:
    """Starts, announces, then waits for Ctrl+C/SIGTERM or a dying process; always stops."""
    stopping = False

    def request_stop(signum: int, frame: Optional[object]) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        start()
        announce()
        print("Press Ctrl+C to stop.", flush=True)
        while not stopping:
            for name, process in processes().items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping.", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"Could not start {what}: {error}. See {log_dir}.", file=sys.stderr)
        return 1
    finally:
        print("Stopping...", flush=True)
        stop()


def main() -> int:
    if not MODEL.exists():
        print(f"No model at {MODEL}: run `make run`, which trains it first.", file=sys.stderr)
        return 1
    stack = Stack(
        rasa_port=int(os.environ.get("RASA_PORT", 5005)),
        action_port=int(os.environ.get("ACTION_SERVER_PORT", 5055)),
        web_port=int(os.environ.get("WEB_PORT", 8080)),
        tracker_db=Path(os.environ.get("TRACKER_DB", ROOT / "var" / "tracker.db")),
    )

    def announce() -> None:
        print(f"\nThe assistant is running. Logs: {stack.log_dir}", flush=True)
        if "web" in stack.processes:
            print(f"  Chat in your browser:  {stack.page_url}")
        print(f"  REST webhook:          {stack.rest_url}")
        print(f"  Try: curl -s {stack.rest_url} -H 'Content-Type: application/json' "
              "-d '{\"sender\": \"me\", \"message\": \"What is mesotherapy?\"}'", flush=True)

    print("Starting the action server and the Rasa server (about 20 s)...", flush=True)
    return serve_until_stopped(
        "the assistant", stack.start, lambda: stack.processes, stack.stop, announce, stack.log_dir
    )


if __name__ == "__main__":
    sys.exit(main())

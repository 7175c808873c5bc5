"""The process stack of the default profile: action server, Rasa server and chat page.

`make run` (scripts/serve.py) starts it; the tests and the benchmark start the same
processes on free ports; deploy/run_prod.py builds the prod profile on it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runtime.settings import (
    ACTION_SERVER_MAX_REQUEST_BYTES,
    HOST,
    LOG_DIR,
    MODEL,
    RASA_API_MAX_REQUEST_BYTES,
    RASA_ENV,
    RASA_MAX_REQUEST_BYTES,
    ROOT,
    SECRET_VARIABLES,
    SERVER_THREADS,
    VENV_BIN,
    WEB_DIR,
    ServeSettings,
    parse_origins,
)


def private_dir(path: Path) -> None:
    """Creates `path` (and its parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


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


def rasa_env(**extra: str) -> dict[str, str]:
    """The environment every Rasa process of the project runs with (as the Makefile's)."""
    env = dict(os.environ)
    env.update(RASA_ENV)
    env.update(extra)
    return env


def http_api_args(settings: ServeSettings) -> list[str]:
    """Rasa's HTTP API (models, training, conversations) stays off unless an operator
    turns it on, and then only with JWT authentication (an Authorization header)."""
    if not settings.enable_api:
        return []
    secret = settings.jwt_secret
    if len(secret) < 32:
        raise RuntimeError(
            "RASA_ENABLE_API needs RASA_JWT_SECRET (at least 32 characters): "
            "the HTTP API is never served without authentication"
        )
    # The secret itself stays in the environment: a command line is visible to every
    # user of the machine (ps); runtime/rasa_server.py hands it to Rasa in-process.
    return ["--enable-api", "--jwt-method", "HS256"]


@dataclass
class Stack:
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    tracker_db: Path = ServeSettings.tracker_db
    log_dir: Path = LOG_DIR
    model: Path = MODEL
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def page_url(self) -> str:
        return f"http://{HOST}:{self.web_port}/"

    @property
    def page_origin(self) -> str:
        return f"http://{HOST}:{self.web_port}"

    def env(self) -> dict[str, str]:
        env = rasa_env(**SERVER_THREADS)
        env.update(
            ACTION_SERVER_PORT=str(self.action_port),
            TRACKER_DB=str(self.tracker_db),
            WEB_ORIGINS=env.get("WEB_ORIGINS")
            or f"{self.page_origin},http://localhost:{self.web_port}",
        )
        env.update(self.extra_env)
        return env

    def _spawn(
        self, name: str, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        private_dir(self.log_dir)
        # The child keeps its own copy of the log's descriptor; ours closes at once.
        log_path = self.log_dir / f"{name}.log"
        with open(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as log:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env or self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # Conversations and logs are health data: readable by their owner only.
                umask=0o077,
            )
        self.processes[name] = process
        return process

    def start_action_server(self, timeout: float = 60) -> None:
        env = self.env()
        # rasa-sdk listens on SANIC_HOST (default 0.0.0.0) and Sanic reads its limits
        # from SANIC_* variables; the action server has no authentication.
        env.update(
            SANIC_HOST=ServeSettings.from_env(env).action_host,
            SANIC_REQUEST_MAX_SIZE=str(ACTION_SERVER_MAX_REQUEST_BYTES),
        )
        for secret in SECRET_VARIABLES:
            env.pop(secret, None)
        process = self._spawn(
            "actions",
            [
                str(VENV_BIN / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
            env,
        )
        wait_for(f"http://{HOST}:{self.action_port}/health", timeout, process)

    def start_rasa(self, timeout: float = 120) -> None:
        private_dir(self.tracker_db.parent)
        env = self.env()
        settings = ServeSettings.from_env(env)
        # One --cors with every origin: Rasa keeps only the last of repeated --cors flags.
        cors = ["--cors", *parse_origins(settings.web_origins or "")]
        limit = RASA_API_MAX_REQUEST_BYTES if settings.enable_api else RASA_MAX_REQUEST_BYTES
        env["SANIC_REQUEST_MAX_SIZE"] = str(limit)
        process = self._spawn(
            "rasa",
            [
                str(VENV_BIN / "python"),
                "-m",
                "runtime.rasa_server",
                "run",
                "--model",
                str(self.model),
                "--interface",
                HOST,
                "--port",
                str(self.rasa_port),
                "--credentials",
                settings.credentials,
                "--endpoints",
                settings.endpoints,
                *cors,
                *http_api_args(settings),
            ],
            env,
        )
        wait_for(f"http://{HOST}:{self.rasa_port}/webhooks/rest/", timeout, process)

    def start_web(self, timeout: float = 20) -> None:
        process = self._spawn(
            "web",
            [
                str(VENV_BIN / "python"),
                "-m",
                "http.server",
                str(self.web_port),
                "--bind",
                HOST,
                "--directory",
                str(WEB_DIR),
            ],
        )
        wait_for(self.page_url, timeout, process)

    def start_retention(self) -> None:
        """The scheduled purge of conversations older than clinic.yml's retention."""
        env = self.env()
        for secret in ("RASA_JWT_SECRET",):
            env.pop(secret, None)
        hours = env.get("PURGE_EVERY_HOURS", "6")
        args = ["-m", "scripts.privacy", "schedule", "--every-hours", hours]
        self._spawn("retention", [str(VENV_BIN / "python"), *args], env)

    def start(self) -> Stack:
        self.start_action_server()
        self.start_rasa()
        self.start_retention()
        if (WEB_DIR / "index.html").exists():
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

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_stopped(
    what: str,
    start: Callable[[], object],
    processes: Callable[[], dict[str, subprocess.Popen]],
    stop: Callable[[], None],
    announce: Callable[[], None],
    log_dir: Path,
) -> int:
    """Starts, announces, then waits for Ctrl+C/SIGTERM or a dying process; always stops."""
    stopping = False

    def request_stop(signum: int, frame: object | None) -> None:
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
                    print(
                        f"{name} exited with code {process.returncode}; stopping.", file=sys.stderr
                    )
                    return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"Could not start {what}: {error}. See {log_dir}.", file=sys.stderr)
        return 1
    finally:
        print("Stopping...", flush=True)
        stop()

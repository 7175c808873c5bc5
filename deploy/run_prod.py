"""The production scale-out profile (BOT_PROFILE=prod) on one machine, all on loopback.

    BOT_PROFILE=prod .venv/bin/python -m deploy.run_prod      (Makefile: make run-prod)

Starts, in order:
1. PostgreSQL (tracker store), Redis (lock store) and nginx, with deploy/services.sh;
2. ACTION_SERVERS action servers (`python -m rasa_sdk`), balanced by nginx's internal
   listener, which is the replicas' action endpoint;
3. RASA_REPLICAS Rasa servers (`rasa run ... --endpoints endpoints.prod.yml`), each with
   SANIC_WORKERS workers, behind nginx's public listener;
and prints the nginx URL (the chat page and the webhook). Ctrl+C stops all of it.

The processes are those of runtime/stack.py (`Stack`), one `Stack` per process, so a
replica starts exactly as `make run` starts its single server. docs/deployment.md says
how the same pieces are spread over several hosts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from content.clinic import load_clinic
from runtime.settings import HOST, MODEL, ROOT
from runtime.stack import Stack, free_port, serve_until_stopped, wait_for

SERVICES = ROOT / "deploy" / "services.sh"
ENDPOINTS = "endpoints.prod.yml"
SECRET_NAMES = ("TRACKER_DB_PASSWORD", "LOCK_STORE_PASSWORD")

# Environment of every replica unless the operator sets the variable (docs/deployment.md).
REPLICA_DEFAULTS = {
    # Exactly one proxy (nginx) in front: Sanic takes the client address from the last
    # X-Forwarded-For entry, so the channel's per-IP limit sees patients, not nginx.
    "SANIC_PROXIES_COUNT": "1",
    # A conversation's lock outlives any normal turn (the channel gives the action server
    # 20 s). After a replica dies mid-turn, that conversation waits this long at most.
    "TICKET_LOCK_LIFETIME": "25",
    # Connections per replica: Rasa's default (50 + 100 overflow) times N replicas would
    # exhaust PostgreSQL's max_connections.
    "SQL_POOL_SIZE": "5",
    "SQL_MAX_OVERFLOW": "10",
    # One replica per core scales better than one replica using every core for TensorFlow.
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError:
        raise ValueError(f"{name} must be a number, not {env.get(name)!r}") from None


@dataclass
class ProdSettings:
    """Where everything listens and how many of each. Defaults are for one machine."""

    rasa_ports: list[int] = field(default_factory=lambda: [5005, 5006])
    action_ports: list[int] = field(default_factory=lambda: [5055])
    sanic_workers: int = 1
    nginx_port: int = 8088
    actions_lb_port: int = 5054
    pg_port: int = 15432
    redis_port: int = 16379
    state_dir: Path = ROOT / "var" / "prod"
    nginx_rate: str = "2r/s"
    nginx_burst: int = 20
    public_origin: str | None = None
    # Extra environment for the replicas and action servers (e.g. BOT_RATE_LIMIT_PER_IP).
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ProdSettings:
        replicas = _int(env, "RASA_REPLICAS", 2)
        actions = _int(env, "ACTION_SERVERS", 1)
        if replicas < 1 or actions < 1:
            raise ValueError("RASA_REPLICAS and ACTION_SERVERS must be at least 1")
        rasa_port = _int(env, "RASA_PORT", 5005)
        action_port = _int(env, "ACTION_SERVER_PORT", 5055)
        return cls(
            rasa_ports=[rasa_port + i for i in range(replicas)],
            action_ports=[action_port + i for i in range(actions)],
            sanic_workers=_int(env, "SANIC_WORKERS", 1),
            nginx_port=_int(env, "NGINX_PORT", 8088),
            actions_lb_port=_int(env, "ACTIONS_LB_PORT", 5054),
            pg_port=_int(env, "TRACKER_DB_PORT", 15432),
            redis_port=_int(env, "LOCK_STORE_PORT", 16379),
            state_dir=Path(env.get("PROD_STATE_DIR", str(ROOT / "var" / "prod"))),
            nginx_rate=env.get("NGINX_RATE", "2r/s"),
            nginx_burst=_int(env, "NGINX_BURST", 20),
            public_origin=env.get("PUBLIC_ORIGIN") or None,
        )

    @classmethod
    def on_free_ports(
        cls, state_dir: Path, replicas: int = 2, action_servers: int = 1, **kwargs: object
    ) -> ProdSettings:
        """For tests and benchmarks: every listener on a free loopback port."""
        return cls(
            rasa_ports=[free_port() for _ in range(replicas)],
            action_ports=[free_port() for _ in range(action_servers)],
            nginx_port=free_port(),
            actions_lb_port=free_port(),
            pg_port=free_port(),
            redis_port=free_port(),
            state_dir=Path(state_dir),
            **kwargs,  # type: ignore[arg-type]
        )


class ProdStack:
    """PostgreSQL + Redis + nginx, the action servers and the Rasa replicas."""

    def __init__(self, settings: ProdSettings, model: Path = MODEL):
        self.settings = settings
        self.model = model
        self.log_dir = settings.state_dir / "log"
        self.action_servers: list[Stack] = []
        self.replicas: list[Stack] = []
        self.retention: Stack | None = None

    # ------------------------------------------------------------ addresses

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.settings.nginx_port}/"

    @property
    def origin(self) -> str:
        return (self.settings.public_origin or f"http://{HOST}:{self.settings.nginx_port}").rstrip(
            "/"
        )

    @property
    def rest_url(self) -> str:
        return f"http://{HOST}:{self.settings.nginx_port}/webhooks/rest/webhook"

    @property
    def access_log(self) -> Path:
        return self.settings.state_dir / "nginx" / "access.log"

    # ------------------------------------------------------------ environment

    def services_env(self) -> dict[str, str]:
        s = self.settings
        env = dict(os.environ)
        env.update(
            PROD_STATE_DIR=str(s.state_dir),
            TRACKER_DB_PORT=str(s.pg_port),
            LOCK_STORE_PORT=str(s.redis_port),
            NGINX_PORT=str(s.nginx_port),
            ACTIONS_LB_PORT=str(s.actions_lb_port),
            RASA_UPSTREAMS=",".join(f"{HOST}:{p}" for p in s.rasa_ports),
            ACTION_UPSTREAMS=",".join(f"{HOST}:{p}" for p in s.action_ports),
            NGINX_RATE=s.nginx_rate,
            NGINX_BURST=str(s.nginx_burst),
            PUBLIC_ORIGIN=self.origin,
        )
        return env

    def secrets(self) -> dict[str, str]:
        """Passwords from the environment (a secret manager), else the generated file."""
        found = {name: os.environ[name] for name in SECRET_NAMES if os.environ.get(name)}
        secrets_file = self.settings.state_dir / "secrets.env"
        if len(found) < len(SECRET_NAMES) and secrets_file.exists():
            for line in secrets_file.read_text().splitlines():
                name, _, value = line.partition("=")
                if name in SECRET_NAMES and name not in found:
                    found[name] = value
        missing = [name for name in SECRET_NAMES if name not in found]
        if missing:
            raise RuntimeError(
                f"no value for {', '.join(missing)}: set it or run deploy/services.sh start"
            )
        return found

    def app_env(self) -> dict[str, str]:
        s = self.settings
        env = {name: os.environ.get(name, value) for name, value in REPLICA_DEFAULTS.items()}
        env.update(
            RASA_ENDPOINTS=ENDPOINTS,
            RASA_CREDENTIALS=os.environ.get("RASA_CREDENTIALS", "credentials.yml"),
            ACTION_ENDPOINT_URL=f"http://{HOST}:{s.actions_lb_port}/webhook",
            TRACKER_DB_HOST=os.environ.get("TRACKER_DB_HOST", HOST),
            TRACKER_DB_PORT=str(s.pg_port),
            TRACKER_DB_NAME=os.environ.get("TRACKER_DB_NAME", "rasa"),
            TRACKER_DB_USER=os.environ.get("TRACKER_DB_USER", "rasa"),
            TRACKER_DB_SSLMODE=database_sslmode(
                os.environ.get("TRACKER_DB_HOST", HOST), os.environ.get("TRACKER_DB_SSLMODE")
            ),
            LOCK_STORE_HOST=os.environ.get("LOCK_STORE_HOST", HOST),
            LOCK_STORE_PORT=str(s.redis_port),
            LOCK_STORE_DB=os.environ.get("LOCK_STORE_DB", "1"),
            SANIC_WORKERS=str(s.sanic_workers),
            # The widget's page is served by nginx, on the bot's own origin.
            WEB_ORIGINS=os.environ.get("WEB_ORIGINS", self.origin),
        )
        env.update(self.secrets())
        env.update(s.extra_env)
        return env

    # ------------------------------------------------------------ lifecycle

    def start_services(self) -> None:
        result = subprocess.run(
            [str(SERVICES), "start"],
            cwd=ROOT,
            env=self.services_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"deploy/services.sh start failed:\n{result.stderr.strip()}")

    def route_to(self, replica_indexes: list[int]) -> None:
        """Re-renders and reloads nginx so that only these replicas get traffic."""
        ports = [self.settings.rasa_ports[i] for i in replica_indexes]
        env = {**self.services_env(), "RASA_UPSTREAMS": ",".join(f"{HOST}:{p}" for p in ports)}
        result = subprocess.run(
            [str(SERVICES), "start"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"deploy/services.sh start failed:\n{result.stderr.strip()}")

    def stop_services(self) -> None:
        subprocess.run(
            [str(SERVICES), "stop"],
            cwd=ROOT,
            env=self.services_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def _stack(self, name: str, **ports: int) -> Stack:
        return Stack(
            log_dir=self.log_dir / name,
            model=self.model,
            extra_env=self.app_env(),
            tracker_db=self.settings.state_dir / "unused.db",
            **ports,
        )

    def start_action_servers(self) -> None:
        stacks = [
            self._stack(f"actions-{i + 1}", action_port=port)
            for i, port in enumerate(self.settings.action_ports)
        ]
        self.action_servers.extend(stacks)
        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            list(pool.map(lambda stack: stack.start_action_server(timeout=120), stacks))

    def _replica(self, index: int) -> Stack:
        return self._stack(
            f"rasa-{index + 1}",
            rasa_port=self.settings.rasa_ports[index],
            action_port=self.settings.actions_lb_port,
        )

    def start_replicas(self, timeout: float = 300) -> None:
        self.replicas = [self._replica(i) for i in range(len(self.settings.rasa_ports))]
        with ThreadPoolExecutor(max_workers=len(self.replicas)) as pool:
            list(pool.map(lambda stack: stack.start_rasa(timeout=timeout), self.replicas))

    def restart_replica(self, index: int, timeout: float = 300) -> None:
        """Starts replica `index` again (after a crash or to roll out a new model)."""
        self.replicas[index].stop()
        self.replicas[index] = self._replica(index)
        self.replicas[index].start_rasa(timeout=timeout)

    def start(self) -> ProdStack:
        try:
            self.start_services()
            self.start_action_servers()
            self.start_replicas()
            self.retention = self._stack("retention")
            self.retention.start_retention()
            wait_for(
                f"http://{HOST}:{self.settings.nginx_port}/webhooks/rest/",
                30,
                self.replicas[0].processes["rasa"],
            )
        except BaseException:
            self.stop()
            raise
        return self

    def replica_process(self, index: int) -> subprocess.Popen:
        return self.replicas[index].processes["rasa"]

    def kill_replica(self, index: int) -> None:
        """SIGKILL to the replica's whole process group (all its Sanic workers): a crash."""
        os.killpg(self.replica_process(index).pid, signal.SIGKILL)
        self.replica_process(index).wait()

    def processes(self) -> dict[str, subprocess.Popen]:
        named: dict[str, subprocess.Popen] = {}
        for i, stack in enumerate(self.action_servers):
            named.update({f"actions-{i + 1}": p for p in stack.processes.values()})
        for i, stack in enumerate(self.replicas):
            named.update({f"rasa-{i + 1}": p for p in stack.processes.values()})
        if self.retention is not None:
            named.update(self.retention.processes)
        return named

    def stop(self, services: bool = True) -> None:
        for stack in [*self.replicas, *self.action_servers]:
            stack.stop()
        if self.retention is not None:
            self.retention.stop()
        if services:
            self.stop_services()


def placeholder_refusal(placeholders: list[str]) -> str:
    return (
        f"clinic.yml still has placeholders: {', '.join(placeholders)}.\n"
        "The production profile does not start until the clinic has provided every value "
        "(patients would see them in contact, booking and emergency replies). "
        "`make run` (the development profile) starts with them."
    )


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
VERIFIED_SSLMODES = ("verify-ca", "verify-full")


def database_sslmode(host: str, requested: str | None) -> str:
    """PostgreSQL's sslmode: conversations are health data, so a database on another host
    is reached only over TLS with a verified server certificate (libpq's default, "prefer",
    falls back to plain text and trusts any certificate)."""
    remote = not (host in LOOPBACK_HOSTS or host.startswith("/"))
    if not remote:
        return requested or "prefer"
    if requested is None:
        return "verify-full"
    if requested not in VERIFIED_SSLMODES:
        raise SystemExit(
            f"TRACKER_DB_SSLMODE={requested} for the database at {host}: a remote database "
            "needs verify-full (or verify-ca) and its CA certificate (PGSSLROOTCERT)."
        )
    return requested


def main() -> int:
    placeholders = load_clinic().placeholders()
    if placeholders:
        # Patients would read "[PLACEHOLDER: …]" where a phone or emergency number belongs.
        print(placeholder_refusal(placeholders), file=sys.stderr)
        return 2
    if not MODEL.exists():
        print(f"No model at {MODEL}: run `make train` first.", file=sys.stderr)
        return 1
    if os.environ.get("BOT_PROFILE", "prod") != "prod":
        print(
            "deploy.run_prod is the BOT_PROFILE=prod profile; `make run` starts the default one.",
            file=sys.stderr,
        )
        return 2
    try:
        settings = ProdSettings.from_env()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    stack = ProdStack(settings)
    keep_services = os.environ.get("PROD_KEEP_SERVICES", "").lower() in ("1", "true", "yes")

    def announce() -> None:
        print(
            "\nThe assistant is running (production profile). "
            f"Logs: {stack.log_dir}, {settings.state_dir / 'nginx'}"
        )
        print(f"  Chat in your browser:  {stack.url}")
        print(f"  REST webhook:          {stack.rest_url}")
        print(
            "  Replicas:              "
            + ", ".join(f"{HOST}:{p}" for p in settings.rasa_ports)
            + " (behind nginx)"
        )
        print(
            f"  Action servers:        {', '.join(f'{HOST}:{p}' for p in settings.action_ports)} "
            f"(via {HOST}:{settings.actions_lb_port})",
            flush=True,
        )

    print(
        f"Starting PostgreSQL, Redis, nginx, {len(settings.action_ports)} action server(s) and "
        f"{len(settings.rasa_ports)} Rasa replica(s) x {settings.sanic_workers} worker(s) "
        "(about a minute)...",
        flush=True,
    )
    return serve_until_stopped(
        "the production profile",
        stack.start,
        stack.processes,
        lambda: stack.stop(services=not keep_services),
        announce,
        stack.log_dir,
    )


if __name__ == "__main__":
    sys.exit(main())

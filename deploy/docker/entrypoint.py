"""What the containers run: the same processes as the production profile, one per container.

    python -m deploy.docker.entrypoint rasa          the Rasa server on 0.0.0.0:5005
    python -m deploy.docker.entrypoint actions       the action server on 0.0.0.0:5055
    python -m deploy.docker.entrypoint purge         scripts.privacy purge, once
    python -m deploy.docker.entrypoint retention     scripts.privacy schedule: the purge and
                                                     the callback e-mails (compose.yaml and
                                                     Kubernetes' retention Deployment)
    python -m deploy.docker.entrypoint compose-nginx --out DIR/nginx.conf
                                                     compose.yaml: renders nginx's config

The command lines are those runtime/stack.py builds for `make run` and deploy/run_prod.py
(tests/deploy/test_containers.py compares them), with two differences that a container
needs: the servers listen on 0.0.0.0 (the pod or compose network; nothing publishes them
but nginx/the Ingress) and the process replaces this one (exec), so it is PID 1 and gets
the orchestrator's SIGTERM itself. Before it starts anything it makes the prod profile's
checks: clinic.yml without placeholders, the database reached with a verified TLS
certificate unless it is on the same host, WEB_ORIGINS a list of real origins.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from content.clinic import load_clinic
from deploy.run_prod import REPLICA_DEFAULTS, database_sslmode, placeholder_refusal
from runtime.settings import (
    ACTION_SERVER_MAX_REQUEST_BYTES,
    MODEL,
    RASA_API_MAX_REQUEST_BYTES,
    RASA_ENV,
    RASA_MAX_REQUEST_BYTES,
    ROOT,
    SECRET_VARIABLES,
    SERVER_THREADS,
    ServeSettings,
    parse_origins,
)
from runtime.stack import http_api_args

# Inside a container the listener is the container's own interface: only nginx (compose)
# or the Service/Ingress (Kubernetes) routes to it, and NetworkPolicies say who may.
LISTEN = "0.0.0.0"
ENDPOINTS = "endpoints.prod.yml"
# compose.yaml only: PostgreSQL is a container on the same machine, so its traffic never
# leaves the host, as on loopback. Kubernetes pods may be on different nodes: never set.
SINGLE_HOST = "BOT_SINGLE_HOST"
# compose.yaml's project name (its `name:`): replica N is the container <project>-rasa-N.
COMPOSE_PROJECT = "citidrips-bot"
# The file the retention loop touches after every pass, when set.
HEARTBEAT = "RETENTION_HEARTBEAT"


def rasa_command(env: Mapping[str, str]) -> list[str]:
    """`python -m runtime.rasa_server run ...` exactly as Stack.start_rasa builds it."""
    settings = ServeSettings.from_env({"RASA_ENDPOINTS": ENDPOINTS, **env})
    # One --cors with every origin: Rasa keeps only the last of repeated --cors flags.
    cors = ["--cors", *parse_origins(settings.web_origins or "")]
    return [
        sys.executable,
        "-m",
        "runtime.rasa_server",
        "run",
        "--model",
        env.get("RASA_MODEL", str(MODEL)),
        "--interface",
        LISTEN,
        "--port",
        str(settings.rasa_port),
        "--credentials",
        settings.credentials,
        "--endpoints",
        settings.endpoints,
        *cors,
        *http_api_args(settings),
    ]


def rasa_env(env: Mapping[str, str]) -> dict[str, str]:
    settings = ServeSettings.from_env(env)
    out = {**RASA_ENV, **SERVER_THREADS, "PYTHONPATH": str(ROOT), **REPLICA_DEFAULTS, **env}
    out.setdefault("RASA_ENDPOINTS", ENDPOINTS)
    limit = RASA_API_MAX_REQUEST_BYTES if settings.enable_api else RASA_MAX_REQUEST_BYTES
    out["SANIC_REQUEST_MAX_SIZE"] = str(limit)
    out["TRACKER_DB_SSLMODE"] = tracker_db_sslmode(out)
    return out


def tracker_db_sslmode(env: Mapping[str, str]) -> str:
    """deploy/run_prod.py's rule: a database on another host only with a verified
    certificate. The SystemExit it raises names the fix."""
    host = env.get("TRACKER_DB_HOST", "")
    if not host:
        raise SystemExit("TRACKER_DB_HOST is not set: the tracker store's PostgreSQL host")
    requested = env.get("TRACKER_DB_SSLMODE") or None
    if env.get(SINGLE_HOST) == "1":
        return database_sslmode("127.0.0.1", requested)
    return database_sslmode(host, requested)


def actions_command(env: Mapping[str, str]) -> list[str]:
    """`python -m rasa_sdk ...` as Stack.start_action_server builds it."""
    port = env.get("ACTION_SERVER_PORT", "5055")
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", port]


def actions_env(env: Mapping[str, str]) -> dict[str, str]:
    out = {**RASA_ENV, **SERVER_THREADS, "PYTHONPATH": str(ROOT), **env}
    out.update(SANIC_HOST=LISTEN, SANIC_REQUEST_MAX_SIZE=str(ACTION_SERVER_MAX_REQUEST_BYTES))
    # The action server has no use for the stores' secrets (runtime/stack.py drops them too).
    for secret in SECRET_VARIABLES:
        out.pop(secret, None)
    return out


def purge_command(env: Mapping[str, str]) -> list[str]:
    return [sys.executable, "-m", "scripts.privacy", "purge"]


def retention_command(env: Mapping[str, str]) -> list[str]:
    """The scheduled purge, as Stack.start_retention runs it beside the replicas."""
    hours = env.get("PURGE_EVERY_HOURS", "6")
    command = [sys.executable, "-m", "scripts.privacy", "schedule", "--every-hours", hours]
    # Kubernetes' liveness probe reads it (deploy/k8s/base/retention.yaml).
    if env.get(HEARTBEAT):
        command += ["--heartbeat", env[HEARTBEAT]]
    return command


def purge_env(env: Mapping[str, str]) -> dict[str, str]:
    out = {**RASA_ENV, "PYTHONPATH": str(ROOT), **env}
    out.setdefault("RASA_ENDPOINTS", ENDPOINTS)
    out["TRACKER_DB_SSLMODE"] = tracker_db_sslmode(out)
    out.pop("RASA_JWT_SECRET", None)
    return out


def refuse_placeholders() -> None:
    placeholders = load_clinic().placeholders()
    if placeholders:
        raise SystemExit(placeholder_refusal(placeholders))


def compose_nginx_env(env: Mapping[str, str], out_dir: Path) -> dict[str, str]:
    """deploy/render_nginx.py's settings for compose.yaml: the replicas by container name
    (one upstream server each, so that nginx skips a dead one within a request, as in the
    prod profile), listeners on the container's interface, state and logs under /tmp."""

    def count(name: str) -> int:
        value = int(env.get(name, "1"))
        if value < 1:
            raise SystemExit(f"{name} must be at least 1")
        return value

    project = env.get("COMPOSE_PROJECT_NAME", COMPOSE_PROJECT)
    rasa = [f"{project}-rasa-{i}:5005" for i in range(1, count("RASA_REPLICAS") + 1)]
    actions = [f"{project}-actions-{i}:5055" for i in range(1, count("ACTION_SERVERS") + 1)]
    return {
        **env,
        "NGINX_LISTEN": "0.0.0.0:8080",
        "ACTIONS_LISTEN": "0.0.0.0:5054",
        "RASA_UPSTREAMS": ",".join(rasa),
        "ACTION_UPSTREAMS": ",".join(actions),
        "NGINX_STATE_DIR": "/tmp/nginx",
        "WEB_ROOT": str(out_dir / "web"),
    }


def compose_nginx(argv: Sequence[str], env: Mapping[str, str]) -> int:
    from deploy import render_nginx

    if len(argv) != 2 or argv[0] != "--out":
        raise SystemExit("usage: entrypoint compose-nginx --out DIR/nginx.conf")
    out = Path(argv[1])
    web = out.parent / "web"
    shutil.rmtree(web, ignore_errors=True)
    shutil.copytree(ROOT / "web", web)
    os.environ.update(compose_nginx_env(env, out.parent))
    return render_nginx.main(["--out", str(out)])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    role = args[0] if args else ""
    env = dict(os.environ)
    if role == "rasa":
        refuse_placeholders()
        command, child_env = rasa_command(env), rasa_env(env)
    elif role == "actions":
        refuse_placeholders()
        command, child_env = actions_command(env), actions_env(env)
    elif role == "purge":
        command, child_env = purge_command(env), purge_env(env)
    elif role == "retention":
        command, child_env = retention_command(env), purge_env(env)
    elif role == "compose-nginx":
        return compose_nginx(args[1:], env)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        os.chdir(ROOT)
    except OSError as error:
        raise SystemExit(f"cannot enter {ROOT}: {error}") from None
    sys.stdout.flush()
    os.execve(command[0], command, child_env)
    return 0  # not reached


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ValueError as error:  # WEB_ORIGINS and the like: say which setting and why
        print(f"entrypoint: {error}", file=sys.stderr)
        sys.exit(2)

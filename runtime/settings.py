"""Where the project's files are, and every environment variable of the default profile.

Each variable is read here, once, with its default; nothing else calls os.environ for
a setting. The prod profile's own variables (database, Redis, replicas) are read by
deploy/run_prod.py, which exports them to the processes it starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "mesotherapy.tar.gz"
ARTICLE_PATH = ROOT / "knowledge" / "mesotherapy-article.txt"
CLINIC_FILE = ROOT / "clinic.yml"
PIPELINE_DIR = ROOT / "build" / "spacy_pipeline"
SYNONYMS_FILE = ROOT / "data" / "synonyms.yml"
VAR_DIR = ROOT / "var"
LOG_DIR = VAR_DIR / "log"
DEFAULT_TRACKER_DB = VAR_DIR / "tracker.db"
WEB_DIR = ROOT / "web"

# Every listener of the default profile binds to loopback: nginx (prod profile) or the
# clinic's own reverse proxy is what faces the internet.
HOST = "127.0.0.1"

# Sanic's default request limit is 100 MB. The action server receives a conversation's
# events (large for a long session, never megabytes of text); Rasa's webhooks receive
# one message (the HTTP API, when an operator turns it on, takes model uploads).
ACTION_SERVER_MAX_REQUEST_BYTES = 8 * 1024 * 1024
RASA_MAX_REQUEST_BYTES = 1024 * 1024
RASA_API_MAX_REQUEST_BYTES = 512 * 1024 * 1024


def parse_origins(value: str) -> list[str]:
    """The browser origins allowed to call the REST webhook (WEB_ORIGINS).

    A wildcard would let any website talk to the assistant in its visitors' names, and a
    typo would block the widget with nothing but a CORS error in the patient's browser,
    so both are refused at start-up with the fix in the message.
    """
    origins = [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
    if not origins:
        raise ValueError("WEB_ORIGINS is empty: list the website origin(s) of the widget")
    for origin in origins:
        if origin == "*" or not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?", origin):
            raise ValueError(
                f"WEB_ORIGINS entry {origin!r} is not an origin: use the scheme, host and "
                "port of each site that embeds the widget, e.g. https://www.clinic.example"
            )
    return origins


# The environment every Rasa and action-server process of the project runs with (the
# Makefile exports the same for the commands it runs itself).
RASA_ENV: dict[str, str] = {
    "PYTHONPATH": str(ROOT),
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}
# The servers' processes only (training keeps every core): a message is a few tiny
# tensors, run from Rasa's one event loop, so TensorFlow's two thread pools (one thread
# per core each by default), OpenBLAS's threads (one per core) and glibc's malloc arenas
# (up to 8 per core, one per thread that allocates) only add memory and contention per
# replica, more on a host with more cores (docs/benchmarks.md, "Memory").
SERVER_THREADS: dict[str, str] = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}


# Secrets that only the Rasa server (its tracker store, lock store and HTTP API) and the
# background process (the SMTP login of the callback deliverer) need: never passed to
# the action server, which has no use for them.
SECRET_VARIABLES = (
    "RASA_JWT_SECRET",
    "TRACKER_DB_PASSWORD",
    "LOCK_STORE_PASSWORD",
    "PGPASSWORD",
    "REDIS_PASSWORD",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
)


@dataclass(frozen=True)
class SmtpCredentials:
    """The login of the SMTP server that callback requests go through (clinic.yml names
    the server). Empty: the server takes mail without a login."""

    username: str = ""
    password: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SmtpCredentials:
        return cls(env.get("SMTP_USERNAME", ""), env.get("SMTP_PASSWORD", ""))

    def __repr__(self) -> str:
        return f"SmtpCredentials(username={'set' if self.username else 'unset'})"


@dataclass(frozen=True)
class RestLimits:
    """The REST channel's limits: credentials.yml sets them, the environment overrides."""

    max_message_chars: int = 2000
    answer_timeout_seconds: float = 8
    rate_limit_per_sender: str = "30/60"
    rate_limit_per_ip: str = "120/60"

    # setting -> the environment variable that overrides it
    ENV_NAMES = {
        "max_message_chars": "BOT_MAX_MESSAGE_CHARS",
        "answer_timeout_seconds": "BOT_ANSWER_TIMEOUT_SECONDS",
        "rate_limit_per_sender": "BOT_RATE_LIMIT_PER_SENDER",
        "rate_limit_per_ip": "BOT_RATE_LIMIT_PER_IP",
    }

    @classmethod
    def from_sources(
        cls, credentials: Mapping[str, object] | None, env: Mapping[str, str] = os.environ
    ) -> RestLimits:
        # The environment wins over credentials.yml, so an operator (or a load test)
        # can change a limit without editing the file.
        values = {**(credentials or {})}
        values.update({key: env[name] for key, name in cls.ENV_NAMES.items() if name in env})
        default = cls()
        return cls(
            max_message_chars=int(str(values.get("max_message_chars", default.max_message_chars))),
            answer_timeout_seconds=float(
                str(values.get("answer_timeout_seconds", default.answer_timeout_seconds))
            ),
            rate_limit_per_sender=str(
                values.get("rate_limit_per_sender", default.rate_limit_per_sender)
            ),
            rate_limit_per_ip=str(values.get("rate_limit_per_ip", default.rate_limit_per_ip)),
        )


@dataclass(frozen=True)
class ServeSettings:
    """What `make run` reads from the environment."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    tracker_db: Path = DEFAULT_TRACKER_DB
    web_origins: str | None = None  # comma-separated; default: the chat page's origins
    credentials: str = "credentials.yml"
    endpoints: str = "endpoints.yml"
    enable_api: bool = False
    jwt_secret: str = ""
    # The action server's listener: loopback unless it runs on another host (prod).
    action_host: str = HOST

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ServeSettings:
        return cls(
            rasa_port=int(env.get("RASA_PORT", cls.rasa_port)),
            action_port=int(env.get("ACTION_SERVER_PORT", cls.action_port)),
            web_port=int(env.get("WEB_PORT", cls.web_port)),
            tracker_db=Path(env.get("TRACKER_DB", str(DEFAULT_TRACKER_DB))),
            web_origins=env.get("WEB_ORIGINS") or None,
            credentials=env.get("RASA_CREDENTIALS", cls.credentials),
            endpoints=env.get("RASA_ENDPOINTS", cls.endpoints),
            enable_api=env.get("RASA_ENABLE_API", "").lower() in ("1", "true", "yes"),
            jwt_secret=env.get("RASA_JWT_SECRET", ""),
            action_host=env.get("ACTION_SERVER_HOST", HOST),
        )

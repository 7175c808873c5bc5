"""Retention and erasure of conversations in the tracker store (SQLite or PostgreSQL).

    python -m scripts.privacy purge [--days N]     delete conversations idle for N days
                                                   (default: retention_days in clinic.yml)
    python -m scripts.privacy erase --sender ID    delete one patient's conversation
    python -m scripts.privacy schedule [--every-hours H] [--deliver-every-seconds S]
                                                   purge now and every H hours (default 6)
                                                   until stopped: `make run` and the prod
                                                   profile start this, so retention never
                                                   depends on someone remembering; it is
                                                   also the one deliverer of callback
                                                   requests (every S seconds, default 20)
    python -m scripts.privacy deliver              e-mail the callback requests due now

`schedule --heartbeat PATH` touches PATH after every pass, so that an orchestrator can tell
a live loop from a hung one (Kubernetes' probe in deploy/k8s/base/retention.yaml).

Both read the tracker store from endpoints.yml (RASA_ENDPOINTS overrides the path).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from sqlalchemy.engine import Engine

from content.clinic import load_clinic, retention_days
from runtime.mailer import deliverer_for
from runtime.outbox import ensure_outbox
from runtime.privacy import erase, purge, tracker_engine
from runtime.settings import ROOT, SmtpCredentials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--endpoints", default=os.environ.get("RASA_ENDPOINTS", str(ROOT / "endpoints.yml"))
    )
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser(
        "purge", help="delete conversations idle for longer than the retention"
    )
    purge_cmd.add_argument("--days", type=int, default=None)
    erase_cmd = commands.add_parser("erase", help="delete one sender's conversation")
    erase_cmd.add_argument("--sender", required=True)
    schedule_cmd = commands.add_parser("schedule", help="purge now and every N hours")
    schedule_cmd.add_argument("--every-hours", type=float, default=6.0)
    schedule_cmd.add_argument("--deliver-every-seconds", type=float, default=20.0)
    schedule_cmd.add_argument("--heartbeat", type=Path, default=None)
    commands.add_parser("deliver", help="e-mail the callback requests that are due")
    args = parser.parse_args(argv)

    if args.command == "schedule":
        return schedule(
            args.endpoints, args.every_hours, args.deliver_every_seconds, heartbeat=args.heartbeat
        )
    if args.command == "deliver":
        delivered = deliver(args.endpoints)
        print(f"Delivered {delivered} callback request(s).")
        return 0

    engine = tracker_engine(args.endpoints)
    if args.command == "purge":
        days = args.days if args.days is not None else retention_days()
        if days < 1:
            parser.error("--days must be at least 1")
        print(f"Purged {purge(engine, days)} conversation(s) idle for more than {days} day(s).")
    else:
        deleted = erase(engine, args.sender)
        print(f"Erased {deleted} event(s) of sender {args.sender!r}.")
    return 0


def deliver(endpoints: str) -> int:
    return deliver_with(tracker_engine(endpoints))


def deliver_with(engine: Engine) -> int:
    """One delivery pass; 0 while clinic.yml's SMTP settings are placeholders."""
    ensure_outbox(engine)
    deliverer = deliverer_for(engine, load_clinic(), SmtpCredentials.from_env())
    return 0 if deliverer is None else deliverer.deliver_due()


def schedule(
    endpoints: str,
    every_hours: float,
    deliver_every_seconds: float = 20.0,
    stopping: threading.Event | None = None,
    heartbeat: Path | None = None,
) -> int:
    """Runs until SIGTERM/SIGINT, or until `stopping` is set (when the caller owns it)."""
    if not every_hours > 0 or not deliver_every_seconds > 0:
        raise SystemExit("--every-hours and --deliver-every-seconds must be more than 0")
    if stopping is None:
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
    days = retention_days()
    # Event names and counts only (runtime/mailer.py never logs a patient's details).
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    engine: Engine | None = None
    if load_clinic().callback_mail is None:
        print("callback.delivery.not_configured (clinic.yml callback_mail)", flush=True)
    next_purge = time.monotonic()
    while not stopping.is_set():
        if time.monotonic() >= next_purge:
            next_purge = time.monotonic() + every_hours * 3600
            try:
                purged = purge(tracker_engine(endpoints), days)
                print(f"retention.purge conversations={purged} days={days}", flush=True)
            except Exception as error:  # the store may be restarting: try again next time
                print(f"retention.purge.failure error={type(error).__name__}", flush=True)
        try:
            engine = engine or tracker_engine(endpoints)
            deliver_with(engine)
        except Exception as error:  # the database may be restarting: next pass retries
            print(f"callback.delivery.failure error={type(error).__name__}", flush=True)
        # After a failed pass too: a store that is down is not cured by a restart.
        if heartbeat is not None:
            heartbeat.touch()
        stopping.wait(min(deliver_every_seconds, max(0.0, next_purge - time.monotonic())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Retention and erasure of conversations in the tracker store (SQLite or PostgreSQL).

    python -m scripts.privacy purge [--days N]     delete conversations idle for N days
                                                   (default: retention_days in clinic.yml)
    python -m scripts.privacy erase --sender ID    delete one patient's conversation
    python -m scripts.privacy schedule [--every-hours H]
                                                   purge now and every H hours (default 6)
                                                   until stopped: `make run` and the prod
                                                   profile start this, so retention never
                                                   depends on someone remembering

Both read the tracker store from endpoints.yml (RASA_ENDPOINTS overrides the path).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from content.clinic import retention_days
from runtime.privacy import erase, purge, tracker_engine
from runtime.settings import ROOT


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
    args = parser.parse_args(argv)

    if args.command == "schedule":
        return schedule(args.endpoints, args.every_hours)

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


def schedule(endpoints: str, every_hours: float) -> int:
    if not every_hours > 0:
        raise SystemExit("--every-hours must be more than 0")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    days = retention_days()
    while not stopping.is_set():
        try:
            purged = purge(tracker_engine(endpoints), days)
            print(f"retention.purge conversations={purged} days={days}", flush=True)
        except Exception as error:  # the store may be restarting: try again next time
            print(f"retention.purge.failure error={type(error).__name__}", flush=True)
        stopping.wait(every_hours * 3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

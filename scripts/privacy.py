"""Retention and erasure of conversations in the tracker store (SQLite or PostgreSQL).

    python -m scripts.privacy purge [--days N]     delete conversations idle for N days
                                                   (default: retention_days in clinic.yml)
    python -m scripts.privacy erase --sender ID    delete one patient's conversation

Both read the tracker store from endpoints.yml (RASA_ENDPOINTS overrides the path),
with the same ${VARS} the servers use.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.utils.common import class_from_module_path

ROOT = Path(__file__).resolve().parent.parent
CLINIC_FILE = ROOT / "clinic.yml"
DEFAULT_TRACKER_DB = ROOT / "var" / "tracker.db"


def retention_days() -> int:
    days = (yaml.safe_load(CLINIC_FILE.read_text(encoding="utf-8")) or {}).get("retention_days")
    if not isinstance(days, int) or days < 1:
        raise SystemExit(f"{CLINIC_FILE}: retention_days must be a whole number of days (>= 1)")
    return days


def is_sql_tracker_store(store_type: str) -> bool:
    """Rasa's `type: SQL`, or a custom store built on it (stores/sqlite_tracker_store.py)."""
    if store_type == "SQL":
        return True
    try:
        store_class = class_from_module_path(store_type)
    except (ImportError, AttributeError):
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


def tracker_engine(endpoints: str) -> sa.engine.Engine:
    os.environ.setdefault("TRACKER_DB", str(DEFAULT_TRACKER_DB))
    os.environ.setdefault("ACTION_SERVER_PORT", "5055")
    store = read_endpoints_from_path(endpoints).tracker_store
    if store is None or not is_sql_tracker_store(store.type):
        raise SystemExit(f"{endpoints}: the tracker store is not an SQL store; nothing to do")
    kwargs = store.kwargs
    # Rasa reads the database host from the store's `url:` key (endpoints.prod.yml).
    url = SQLTrackerStore.get_db_url(
        dialect=kwargs.get("dialect", "sqlite"),
        host=store.url or kwargs.get("host"),
        port=kwargs.get("port"),
        db=kwargs.get("db", "rasa.db"),
        username=kwargs.get("username"),
        password=kwargs.get("password"),
        query=kwargs.get("query"),
    )
    return sa.create_engine(url)


def purge(engine: sa.engine.Engine, days: int) -> int:
    """Deletes every conversation whose last event is older than `days` days."""
    cutoff = time.time() - days * 86400
    with engine.begin() as connection:
        stale = sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
        senders = [row[0] for row in connection.execute(stale, {"cutoff": cutoff})]
        for sender in senders:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    return len(senders)


def erase(engine: sa.engine.Engine, sender: str) -> int:
    with engine.begin() as connection:
        result = connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    return result.rowcount


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", default=os.environ.get("RASA_ENDPOINTS", str(ROOT / "endpoints.yml")))
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete conversations idle for longer than the retention")
    purge_cmd.add_argument("--days", type=int, default=None)
    erase_cmd = commands.add_parser("erase", help="delete one sender's conversation")
    erase_cmd.add_argument("--sender", required=True)
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())

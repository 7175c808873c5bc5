"""Retention and erasure of conversations in the tracker store (SQLite or PostgreSQL).

Both work on the tracker store that an endpoints file names, with the same ${VARS} the
servers use; scripts/privacy.py is their command line. A conversation's callback
requests (runtime/outbox.py, same database) go with it: they hold the patient's name and
phone or e-mail.
"""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.utils.common import class_from_module_path

from runtime.feedback import drop_orphans, erase_feedback
from runtime.outbox import TABLE as OUTBOX_TABLE
from runtime.outbox import erase_sender, purge_older_than
from runtime.settings import DEFAULT_TRACKER_DB


def is_sql_tracker_store(store_type: str) -> bool:
    """Rasa's `type: SQL`, or a custom store built on it (runtime/rasa_compat.py)."""
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
        _erase_securely(connection)
        stale = sa.text(
            "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
        )
        senders = [row[0] for row in connection.execute(stale, {"cutoff": cutoff})]
        for sender in senders:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
            erase_sender(connection, sender)
        # A request outlives neither the retention nor its conversation.
        purge_older_than(connection, cutoff)
        # The patients' votes and comments go with their conversations.
        drop_orphans(connection)
    reclaim(engine)
    return len(senders)


def erase(engine: sa.engine.Engine, sender: str) -> int:
    with engine.begin() as connection:
        _erase_securely(connection)
        result = connection.execute(
            sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender}
        )
        erase_feedback(connection, sender)
        erase_sender(connection, sender)
    reclaim(engine)
    return int(result.rowcount)


def _erase_securely(connection: sa.engine.Connection) -> None:
    # SQLite otherwise only marks deleted rows' pages free: the text stays in the file.
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("PRAGMA secure_delete=ON"))


def reclaim(engine: sa.engine.Engine) -> None:
    """Makes the deleted text leave the database files, not only the table.

    SQLite: the write-ahead log still holds the pages as they were before the delete,
    and free pages may keep old text, so the log is checkpointed and truncated and the
    file rebuilt. PostgreSQL: VACUUM lets the dead rows' space be overwritten (it must
    run outside a transaction).
    """
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.dialect.name == "sqlite":
            autocommit.execute(sa.text("PRAGMA busy_timeout=10000"))
            autocommit.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
            autocommit.execute(sa.text("VACUUM"))
            autocommit.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        elif connection.dialect.name == "postgresql":
            autocommit.execute(sa.text("VACUUM events"))
            if sa.inspect(connection).has_table("feedback"):
                autocommit.execute(sa.text("VACUUM feedback"))
            if sa.inspect(connection).has_table(OUTBOX_TABLE):
                autocommit.execute(sa.text(f"VACUUM {OUTBOX_TABLE}"))

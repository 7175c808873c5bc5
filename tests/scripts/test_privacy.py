"""The background process (scripts/privacy.py `schedule`): besides the retention purge, it
is the one deliverer of callback requests, to a real SMTP server here."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from rasa.shared.core.domain import Domain

from content.clinic import CallbackMail, load_clinic
from runtime import outbox
from runtime.rasa_compat import SQLiteTrackerStore
from runtime.settings import ROOT
from scripts import privacy


def test_the_scheduled_background_process_delivers_pending_requests(
    tmp_path, smtp_server, monkeypatch
):
    store = SQLiteTrackerStore(
        domain=Domain.load(str(ROOT / "domain.yml")), db=str(tmp_path / "t.db")
    )
    engine = store.engine
    with engine.begin() as connection:
        request = {
            "id": "bg1",
            "name": "Ana",
            "contact": "ana@example.com",
            "preferred_time": "any",
        }
        assert outbox.enqueue(connection, "web:ana", request)
    mail = CallbackMail(
        "127.0.0.1", smtp_server.port, False, "a@clinic.example", "b@clinic.example"
    )
    clinic = load_clinic()
    monkeypatch.setattr(
        privacy, "load_clinic", lambda: type(clinic)(**{**clinic.__dict__, "callback_mail": mail})
    )
    monkeypatch.setattr(privacy, "tracker_engine", lambda endpoints: engine)
    stopping = threading.Event()
    heartbeat = tmp_path / "retention.alive"
    runner = threading.Thread(
        target=privacy.schedule,
        args=("endpoints.yml", 6.0, 0.2, stopping),
        kwargs={"heartbeat": heartbeat},
        daemon=True,
    )
    runner.start()
    deadline = time.monotonic() + 20
    while not smtp_server.mailbox.envelopes and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.6)  # a few more passes: still one e-mail
    stopping.set()
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert len(smtp_server.mailbox.envelopes) == 1
    # Touched after the passes: what Kubernetes' liveness probe reads.
    assert heartbeat.exists() and time.time() - heartbeat.stat().st_mtime < 5
    with engine.connect() as connection:
        states = [row[0] for row in connection.execute(sa.select(outbox.outbox.c.state))]
    assert states == [outbox.DELIVERED]

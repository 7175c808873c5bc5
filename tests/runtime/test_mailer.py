"""Callback delivery (runtime/mailer.py) to a real SMTP server (aiosmtpd): delivered once,
retried with back-off while the server is down, picked up by a new deliverer after a
restart, and a hostile request never reaches a header."""

from __future__ import annotations

import smtplib
import socket
import time

import pytest
import sqlalchemy as sa

from content.clinic import CallbackMail, Clinic
from content.opening_hours import parse_hours
from runtime import outbox
from runtime.mailer import Deliverer, SmtpSender, backoff, deliverer_for, message_for
from runtime.settings import SmtpCredentials

CLINIC = Clinic(
    "Citidrips",
    "+44 1",
    "1 Street",
    "https://book",
    "999",
    hours=parse_hours("Europe/London", {"mon": "09:00-18:00"}),
)


class Clock:
    def __init__(self) -> None:
        self.now = time.time() + 1  # after the requests the test queued

    def __call__(self) -> float:
        return self.now


def mail_to(port: int) -> CallbackMail:
    return CallbackMail(
        "127.0.0.1", port, False, "assistant@clinic.example", "desk@clinic.example"
    )


def queue(engine: sa.engine.Engine, key: str = "a1b2c3d4e5", **fields: str) -> None:
    request = {
        "id": key,
        "name": "Ana Lima",
        "contact": "+44 20 7946 0958",
        "preferred_time": "weekday mornings",
        **fields,
    }
    outbox.ensure_outbox(engine)
    with engine.begin() as connection:
        assert outbox.enqueue(connection, "web:alice", request)


def states(engine: sa.engine.Engine) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        query = sa.select(outbox.outbox.c.state, outbox.outbox.c.attempts)
        return [tuple(row) for row in connection.execute(query)]


@pytest.fixture
def engine(tmp_path):
    return sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


def deliverer(engine, port: int, clock=None) -> Deliverer:
    mail = mail_to(port)
    return Deliverer(
        engine, mail, CLINIC, SmtpSender(mail, SmtpCredentials()), clock=clock or time.time
    )


def test_a_request_is_delivered_once_with_its_fields_in_the_body(engine, smtp_server):
    queue(engine)
    sender = deliverer(engine, smtp_server.port)
    assert sender.deliver_due() == 1
    assert sender.deliver_due() == 0
    assert states(engine) == [(outbox.DELIVERED, 1)]
    [envelope] = smtp_server.mailbox.envelopes
    assert envelope.mail_from == "assistant@clinic.example"
    assert envelope.rcpt_tos == ["desk@clinic.example"]
    [message] = smtp_server.mailbox.messages
    body = message.get_content()
    assert "Name: Ana Lima" in body
    assert "Phone: +44 20 7946 0958" in body
    assert "Preferred time: weekday mornings" in body
    assert message["Message-ID"] == "<callback-a1b2c3d4e5@clinic.example>"
    # The patient's details are in the body only, never in a header.
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    assert "Ana" not in headers and "7946" not in headers


def test_mail_server_down_then_back_is_retried_with_back_off_and_delivered_once(engine):
    from tests.conftest import SmtpServer

    server = SmtpServer()  # its port, with nothing listening yet
    clock = Clock()
    queue(engine)
    sender = deliverer(engine, server.port, clock)
    assert sender.deliver_due() == 0  # connection refused
    assert states(engine) == [(outbox.PENDING, 1)]
    assert sender.deliver_due() == 0  # not due again before the back-off
    assert states(engine) == [(outbox.PENDING, 1)]
    clock.now += backoff(1) + 1
    assert sender.deliver_due() == 0  # still down: the wait doubles
    assert states(engine) == [(outbox.PENDING, 2)]
    server.start()
    try:
        clock.now += backoff(1) + 1
        assert sender.deliver_due() == 0, "the second back-off is twice as long"
        clock.now += backoff(2)
        assert sender.deliver_due() == 1
        assert sender.deliver_due() == 0
        clock.now += 10 * backoff(10)
        assert sender.deliver_due() == 0
        assert len(server.mailbox.envelopes) == 1
        assert states(engine) == [(outbox.DELIVERED, 3)]
    finally:
        server.stop()


def test_a_server_that_refuses_for_now_is_retried(engine, smtp_server):
    clock = Clock()
    queue(engine)
    sender = deliverer(engine, smtp_server.port, clock)
    smtp_server.mailbox.refuse_with = "451 4.3.0 try again later"
    assert sender.deliver_due() == 0
    smtp_server.mailbox.refuse_with = None
    clock.now += backoff(1)
    assert sender.deliver_due() == 1
    assert len(smtp_server.mailbox.envelopes) == 1


def test_after_a_restart_a_new_deliverer_sends_the_pending_request(engine, smtp_server):
    queue(engine, "first")
    clock = Clock()
    # The first process tried while the server was unreachable, then stopped.
    deliverer(engine, _closed_port(), clock).deliver_due()
    assert states(engine) == [(outbox.PENDING, 1)]
    queue(engine, "second")  # arrived while no deliverer ran
    clock.now += backoff(1)
    restarted = deliverer(engine, smtp_server.port, clock)
    assert restarted.deliver_due() == 2
    ids = sorted(m["Message-ID"] for m in smtp_server.mailbox.messages)
    assert ids == ["<callback-first@clinic.example>", "<callback-second@clinic.example>"]


def test_a_crash_mid_send_resends_with_the_same_message_id_after_the_lease(engine, smtp_server):
    clock = Clock()
    queue(engine)
    [row] = outbox.due(engine, clock.now)
    assert outbox.claim(engine, row, clock.now, lease_seconds=300)  # then the process died
    sender = deliverer(engine, smtp_server.port, clock)
    assert sender.deliver_due() == 0  # held by the dead attempt's lease
    clock.now += 301
    assert sender.deliver_due() == 1
    assert smtp_server.mailbox.messages[0]["Message-ID"] == "<callback-a1b2c3d4e5@clinic.example>"


def test_two_deliverers_never_send_the_same_request_twice(engine, smtp_server):
    queue(engine)
    first, second = deliverer(engine, smtp_server.port), deliverer(engine, smtp_server.port)
    [row] = outbox.due(engine, time.time())
    assert outbox.claim(engine, row, time.time(), 300)
    assert not outbox.claim(engine, row, time.time(), 300)
    assert first.deliver_due() + second.deliver_due() == 0
    assert smtp_server.mailbox.envelopes == []


def test_a_hostile_row_cannot_inject_a_header_or_a_line(engine, smtp_server):
    """Written by anything but the form (which refuses it): neutralised in the body."""
    outbox.ensure_outbox(engine)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(
            outbox.outbox.insert().values(
                request_key="hostile",
                sender_id="web:eve",
                created_at=now,
                name="Eve\r\nBcc: everyone@example.com\r\nSubject: pwned",
                contact="+44 20 7946 0958\r\nX-Evil: 1",
                contact_kind="phone",
                preferred_time="x" * 10_000,
                state=outbox.PENDING,
                attempts=0,
                next_attempt_at=now,
            )
        )
    assert deliverer(engine, smtp_server.port).deliver_due() == 1
    [envelope] = smtp_server.mailbox.envelopes
    assert envelope.rcpt_tos == ["desk@clinic.example"]
    [message] = smtp_server.mailbox.messages
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "pwned" not in message["Subject"]
    body = message.get_content()
    assert "Name: Eve  Bcc: everyone@example.com  Subject: pwned" in body
    assert max(len(line) for line in body.splitlines()) < 300


def test_the_form_refuses_hostile_input_before_the_outbox(engine):
    outbox.ensure_outbox(engine)
    with engine.begin() as connection:
        hostile = {"id": "k1", "contact": "+44 20 7946 0958", "preferred_time": "any"}
        assert not outbox.enqueue(connection, "web:eve", {**hostile, "name": "Eve\r\nBcc: x"})
        assert not outbox.enqueue(connection, "web:eve", {**hostile, "name": "E" * 5000})
    assert states(engine) == []


def test_message_ids_come_from_the_idempotency_key():
    row = outbox.CallbackRow(
        1, "k" * 32, "web:a", 0.0, "A", "a@b.example", "email", "any", "", 0, 0
    )
    first = message_for(row, mail_to(25), CLINIC)
    again = message_for(row, mail_to(25), CLINIC)
    assert first["Message-ID"] == again["Message-ID"] == f"<callback-{'k' * 32}@clinic.example>"
    assert "E-mail: a@b.example" in first.get_content()


def test_without_smtp_settings_nothing_is_sent_and_requests_wait(engine):
    assert deliverer_for(engine, CLINIC, SmtpCredentials()) is None


def test_back_off_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == 3600


def test_the_smtp_login_is_never_shown():
    assert "hunter2" not in repr(SmtpCredentials("clinic", "hunter2"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_an_error_the_deliverer_retries():
    sender = SmtpSender(mail_to(_closed_port()), SmtpCredentials())
    with pytest.raises((OSError, smtplib.SMTPException)):
        sender(
            message_for(
                outbox.CallbackRow(1, "k", "s", 0, "A", "+1 555 0100 22", "phone", "x", "", 0, 0),
                mail_to(1),
                CLINIC,
            )
        )

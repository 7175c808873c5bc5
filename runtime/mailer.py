"""Delivers the callback outbox (runtime/outbox.py) to the clinic by e-mail over SMTP.

One deliverer per database: the stack's background process runs it (scripts/privacy.py
`schedule`, started by `make run` and the prod profile). A request is sent, then marked
delivered; when the mail server is down the attempt is retried with exponential back-off
(never given up: nothing is lost); after a restart, pending requests are sent by the new
process. If the process dies between sending and marking, the request is sent again
with the same Message-ID (made from its idempotency key), which is how the clinic's
mail system can recognise the copy: SMTP offers nothing stronger.

Patients' values only ever go into the message body, after the checks of
content/callback.py, never into a header; nothing here logs them.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

import sqlalchemy as sa

from content.callback import EMAIL, MAX_CONTACT_CHARS, MAX_NAME_CHARS, MAX_TIME_CHARS
from content.clinic import CallbackMail, Clinic
from runtime.outbox import CallbackRow, claim, due, ensure_outbox, mark_delivered, retry_later
from runtime.settings import SmtpCredentials

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30.0
MAX_RETRY_SECONDS = 3600.0
# How long one attempt may hold a row before another pass may take it again.
LEASE_SECONDS = 300.0
SMTP_TIMEOUT_SECONDS = 20.0


def backoff(
    attempts: int, first: float = FIRST_RETRY_SECONDS, cap: float = MAX_RETRY_SECONDS
) -> float:
    """Seconds before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min…"""
    return min(cap, first * 2 ** max(0, attempts - 1))


def _field(value: str, limit: int) -> str:
    # The form and the outbox refused line breaks already; a row written by anything else
    # still cannot add a line or a header to the message.
    flat = "".join(" " if not char.isprintable() else char for char in value)
    return flat[:limit]


def message_for(row: CallbackRow, mail: CallbackMail, clinic: Clinic) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    # No patient data in any header: subjects and addresses are what mail logs keep.
    message["Subject"] = f"Callback request {row.request_key[:8]} from the website assistant"
    message["From"] = mail.sender
    message["To"] = mail.recipient
    message["Date"] = formatdate(row.created_at)
    domain = mail.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<callback-{row.request_key}@{domain}>"
    requested = datetime.fromtimestamp(row.created_at, timezone.utc)
    if clinic.hours is not None:
        requested = requested.astimezone(clinic.hours.zone)
    how = "E-mail" if row.contact_kind == EMAIL else "Phone"
    message.set_content(
        "A patient asked the website assistant for a callback.\n\n"
        f"Name: {_field(row.name, MAX_NAME_CHARS)}\n"
        f"{how}: {_field(row.contact, MAX_CONTACT_CHARS)}\n"
        f"Preferred time: {_field(row.preferred_time, MAX_TIME_CHARS)}\n"
        f"Requested at: {requested:%A %d %B %Y, %H:%M %Z}\n\n"
        "The patient agreed to be contacted at this address about this request.\n"
        f"Request id: {row.request_key}\n",
        charset="utf-8",
    )
    return message


@dataclass
class SmtpSender:
    """Sends one message over SMTP (STARTTLS and login as configured)."""

    mail: CallbackMail
    credentials: SmtpCredentials

    def __call__(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.mail.host, self.mail.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.mail.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.credentials.username:
                smtp.login(self.credentials.username, self.credentials.password)
            smtp.send_message(message)


@dataclass
class Deliverer:
    engine: sa.engine.Engine
    mail: CallbackMail
    clinic: Clinic
    send: Callable[[EmailMessage], None]
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        ensure_outbox(self.engine)

    def deliver_due(self) -> int:
        """One pass over the requests that are due; returns how many were delivered."""
        delivered = 0
        now = self.clock()
        for row in due(self.engine, now):
            if not claim(self.engine, row, now, LEASE_SECONDS):
                continue  # another pass took it
            attempt = row.attempts + 1
            try:
                self.send(message_for(row, self.mail, self.clinic))
            except (smtplib.SMTPException, OSError) as error:
                wait = backoff(attempt)
                retry_later(self.engine, row.id, self.clock() + wait, type(error).__name__)
                logger.warning(
                    "callback.delivery.retry key=%s attempt=%d wait_s=%.0f error=%s",
                    row.request_key[:8],
                    attempt,
                    wait,
                    type(error).__name__,
                )
                continue
            mark_delivered(self.engine, row.id, self.clock())
            delivered += 1
            logger.info("callback.delivery.sent key=%s attempt=%d", row.request_key[:8], attempt)
        return delivered


def deliverer_for(
    engine: sa.engine.Engine, clinic: Clinic, credentials: SmtpCredentials
) -> Deliverer | None:
    """The deliverer clinic.yml configures, or None while its SMTP settings are placeholders
    (requests then wait, pending, in the outbox)."""
    if clinic.callback_mail is None:
        return None
    return Deliverer(
        engine, clinic.callback_mail, clinic, SmtpSender(clinic.callback_mail, credentials)
    )

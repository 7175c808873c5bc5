"""The clinic's details and safety numbers, read once from clinic.yml.

None of them is in the article: until the clinic provides them they are marked
placeholders ("[PLACEHOLDER: ...]"), never guessed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from content.opening_hours import OpeningHours, parse_hours
from runtime.settings import CLINIC_FILE

PLACEHOLDER_MARK = "[PLACEHOLDER"


REQUIRED = (
    "name",
    "phone",
    "address",
    "booking_url",
    "emergency_number",
    "privacy_notice_url",
)


@dataclass(frozen=True)
class CrisisLine:
    region: str
    contact: str


@dataclass(frozen=True)
class CallbackMail:
    """Where callback requests are e-mailed (SMTP). The login is not here: it comes from
    the environment (runtime/settings.py, SmtpCredentials)."""

    host: str
    port: int
    starttls: bool
    sender: str
    recipient: str


MAIL_KEYS = ("host", "sender", "recipient")


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str
    booking_url: str
    emergency_number: str = "[PLACEHOLDER: local emergency number]"
    privacy_notice_url: str = "[PLACEHOLDER: privacy notice URL]"
    crisis_lines: tuple[CrisisLine, ...] = ()
    hours: OpeningHours | None = None  # None until the clinic gives its hours
    # None until the clinic gives its SMTP settings: requests wait in the outbox.
    callback_mail: CallbackMail | None = None
    mail_placeholders: tuple[str, ...] = ()

    @property
    def contact_lines(self) -> str:
        return f"Phone: {self.phone}\nAddress: {self.address}\nBook online: {self.booking_url}"

    @property
    def crisis_lines_text(self) -> str:
        return "\n".join(f"{line.region}: {line.contact}" for line in self.crisis_lines)

    def placeholders(self) -> list[str]:
        """The settings that are still placeholders, by name."""
        values = {key: getattr(self, key) for key in REQUIRED}
        for index, line in enumerate(self.crisis_lines):
            values[f"crisis_lines[{index}]"] = f"{line.region} {line.contact}"
        if self.hours is None:
            values["opening_hours"] = PLACEHOLDER_MARK
        return [key for key, value in values.items() if PLACEHOLDER_MARK in value] + list(
            self.mail_placeholders
        )


@lru_cache(maxsize=1)
def load_clinic(path: Path = CLINIC_FILE) -> Clinic:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [key for key in REQUIRED if not str(data.get(key) or "").strip()]
    lines = data.get("crisis_lines") or []
    if (
        not isinstance(lines, list)
        or not lines
        or not all(
            isinstance(line, dict)
            and str(line.get("region") or "").strip()
            and str(line.get("contact") or "").strip()
            for line in lines
        )
    ):
        missing.append("crisis_lines (a list of {region, contact})")
    mail = data.get("callback_mail") or {}
    if not isinstance(mail, dict):
        missing.append("callback_mail (host, port, starttls, sender, recipient)")
        mail = {}
    if missing:
        raise ValueError(
            f"{path} lacks {missing}: fill them in or keep the [PLACEHOLDER: ...] markers"
        )
    return Clinic(
        **{key: str(data[key]).strip() for key in REQUIRED},
        crisis_lines=tuple(
            CrisisLine(str(line["region"]).strip(), str(line["contact"]).strip()) for line in lines
        ),
        hours=parse_hours(data.get("time_zone"), data.get("opening_hours")),
        callback_mail=parse_mail(mail),
        # Without the section, callback requests could never leave the outbox.
        mail_placeholders=tuple(
            f"callback_mail.{key}" for key in MAIL_KEYS if PLACEHOLDER_MARK in str(mail.get(key))
        )
        or (() if mail else ("callback_mail",)),
    )


def parse_mail(mail: dict) -> CallbackMail | None:
    """clinic.yml's `callback_mail`, or None while any of it is a placeholder (or absent)."""
    if not mail or any(PLACEHOLDER_MARK in str(mail.get(key)) for key in MAIL_KEYS):
        return None
    port, starttls = mail.get("port", 587), mail.get("starttls", True)
    problems = [f"callback_mail.{key} is missing" for key in MAIL_KEYS if not mail.get(key)]
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        problems.append("callback_mail.port must be a port number")
    if not isinstance(starttls, bool):
        problems.append("callback_mail.starttls must be true or false")
    for key in ("sender", "recipient"):
        if "@" not in str(mail.get(key)) or any(c in str(mail.get(key)) for c in "\r\n,;<> "):
            problems.append(f"callback_mail.{key} must be one e-mail address")
    if problems:
        raise ValueError("clinic.yml: " + "; ".join(problems))
    return CallbackMail(
        host=str(mail["host"]).strip(),
        port=port,
        starttls=starttls,
        sender=str(mail["sender"]).strip(),
        recipient=str(mail["recipient"]).strip(),
    )


def retention_days(path: Path = CLINIC_FILE) -> int:
    """How long an idle conversation is kept (clinic.yml), in whole days."""
    days = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("retention_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise SystemExit(f"{path}: retention_days must be a whole number of days (>= 1)")
    return days

"""clinic.yml's callback mail settings (content/clinic.py): placeholders wait, mistakes stop
the start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from content.clinic import CallbackMail, load_clinic, parse_mail
from runtime.settings import CLINIC_FILE

MAIL = {
    "host": "smtp.clinic.example",
    "port": 587,
    "starttls": True,
    "sender": "assistant@clinic.example",
    "recipient": "desk@clinic.example",
}


def clinic_with(tmp_path: Path, mail: object) -> Path:
    data = yaml.safe_load(CLINIC_FILE.read_text(encoding="utf-8"))
    if mail is None:
        data.pop("callback_mail", None)
    else:
        data["callback_mail"] = mail
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_repositorys_settings_are_placeholders_and_named_as_such():
    clinic = load_clinic()
    assert clinic.callback_mail is None
    for key in ("host", "sender", "recipient"):
        assert f"callback_mail.{key}" in clinic.placeholders()


def test_filled_in_settings_are_read(tmp_path):
    clinic = load_clinic.__wrapped__(clinic_with(tmp_path, MAIL))
    assert clinic.callback_mail == CallbackMail(
        "smtp.clinic.example", 587, True, "assistant@clinic.example", "desk@clinic.example"
    )
    assert not any(name.startswith("callback_mail") for name in clinic.placeholders())


def test_a_missing_section_counts_as_a_placeholder(tmp_path):
    clinic = load_clinic.__wrapped__(clinic_with(tmp_path, None))
    assert clinic.callback_mail is None and "callback_mail" in clinic.placeholders()


@pytest.mark.parametrize(
    "change",
    [
        {"port": "587"},
        {"port": 70000},
        {"starttls": "yes"},
        {"recipient": "desk@clinic.example\r\nBcc: x@example.com"},
        {"recipient": "a@clinic.example, b@clinic.example"},
        {"sender": "nobody"},
    ],
)
def test_mistakes_stop_the_start_up(change):
    with pytest.raises(ValueError, match="callback_mail"):
        parse_mail({**MAIL, **change})

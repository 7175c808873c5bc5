"""Prod profile settings that need no services to check (deploy/run_prod.py)."""

from __future__ import annotations

import os
import subprocess

import pytest

from content.clinic import Clinic, load_clinic
from deploy.run_prod import database_sslmode
from runtime.settings import ROOT, VENV_BIN


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "/var/run/postgresql"])
def test_a_local_database_keeps_the_requested_or_default_mode(host):
    assert database_sslmode(host, None) == "prefer"
    assert database_sslmode(host, "disable") == "disable"


def test_a_remote_database_is_reached_with_a_verified_certificate_by_default():
    assert database_sslmode("db.clinic.example", None) == "verify-full"
    assert database_sslmode("db.clinic.example", "verify-ca") == "verify-ca"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require"])
def test_a_remote_database_without_verification_is_refused(mode):
    with pytest.raises(SystemExit, match="verify-full"):
        database_sslmode("10.1.2.3", mode)


def test_nginx_logs_no_query_strings():
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    formats = [line for line in template.splitlines() if "log_format" in line or "'" in line]
    assert "$request " not in " ".join(formats) and '"$request"' not in template
    assert "$args" not in template and "$request_uri" not in template
    assert "$uri" in template


def test_the_prod_profile_refuses_to_start_while_clinic_yml_has_placeholders():
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "deploy.run_prod"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BOT_PROFILE": "prod"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "clinic.yml still has placeholders" in result.stderr
    for name in load_clinic().placeholders():
        assert name in result.stderr
    assert "phone" in load_clinic().placeholders()


def test_placeholders_are_found_by_name():
    clinic = Clinic("Citidrips", "+44 20 7946 0000", "1 Clinic St", "https://x.example/book")
    assert "emergency_number" in clinic.placeholders()
    assert "phone" not in clinic.placeholders()

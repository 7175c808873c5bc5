"""Prod profile settings that need no services to check (deploy/run_prod.py)."""

from __future__ import annotations

import pytest

from deploy.run_prod import database_sslmode
from runtime.settings import ROOT


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

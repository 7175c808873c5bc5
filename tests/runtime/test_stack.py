"""The process stack of `make run`: what it listens on, and what it refuses to start with."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.settings import HOST, RASA_ENV, SERVER_THREADS, parse_origins
from tests.sockets import group_pids, listening_sockets

# The README's table: every listener of `make run`, on loopback only.
DOCUMENTED = {"rasa": HOST, "actions": HOST, "web": HOST, "retention": None}


@pytest.mark.server
def test_every_listener_of_make_run_is_on_loopback_and_documented(stack):
    listeners = {}
    for name, process in stack.processes.items():
        listeners[name] = listening_sockets(group_pids(process.pid))
    ports = {"rasa": stack.rasa_port, "actions": stack.action_port, "web": stack.web_port}
    assert {name: {port for _, port in found} for name, found in listeners.items()} == {
        name: {ports[name]} if name in ports else set() for name in DOCUMENTED
    }
    assert {name: {address for address, _ in found} for name, found in listeners.items()} == {
        name: {address} if address else set() for name, address in DOCUMENTED.items()
    }


@pytest.mark.parametrize("value", ["*", "", "clinic.example", "https://*.clinic.example", " , "])
def test_web_origins_that_are_not_origins_are_refused(value):
    with pytest.raises(ValueError, match="WEB_ORIGINS"):
        parse_origins(value)


def test_web_origins_are_read_as_a_list():
    assert parse_origins("https://www.clinic.example, http://127.0.0.1:8080/") == [
        "https://www.clinic.example",
        "http://127.0.0.1:8080",
    ]


@pytest.mark.server
def test_conversations_and_logs_are_readable_by_their_owner_only(stack, patient):
    patient.say("hello")
    for directory in (stack.tracker_db.parent, stack.log_dir):
        assert directory.stat().st_mode & 0o777 == 0o700, directory
    files = [stack.tracker_db, *stack.log_dir.glob("*.log")]
    assert len(files) > 1
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, path


@pytest.mark.server
def test_the_servers_run_with_capped_threads_and_training_does_not(stack):
    # Training and `rasa test` (the Makefile's environment, RASA_ENV) keep every core.
    assert not set(SERVER_THREADS) & set(RASA_ENV)
    for name in ("rasa", "actions"):
        environ = Path(f"/proc/{stack.processes[name].pid}/environ").read_bytes()
        variables = dict(item.split("=", 1) for item in environ.decode().split("\0") if item)
        assert {key: variables.get(key) for key in SERVER_THREADS} == SERVER_THREADS, name

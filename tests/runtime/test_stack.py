"""The process stack of `make run`: what it listens on, and what it refuses to start with."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from runtime.settings import HOST, parse_origins

# The README's table: every listener of `make run`, on loopback only.
DOCUMENTED = {"rasa": HOST, "actions": HOST, "web": HOST, "retention": None}


def group_pids(leader: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == leader:
                    pids.add(int(entry.name))
            except ProcessLookupError:
                pass
    return pids


def listening_sockets(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state owned by `pids` (from /proc)."""
    inodes = set()
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.iterdir() if fd_dir.exists() else ():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = [raw[i : i + 4][::-1] for i in range(0, len(raw), 4)]
            address = socket.inet_ntop(family, b"".join(words))
            found.add((address, int(port_hex, 16)))
    return found


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

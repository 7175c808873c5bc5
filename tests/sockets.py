"""Which TCP sockets a set of processes listens on, read from /proc (Linux)."""

from __future__ import annotations

import os
import socket
from pathlib import Path


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


def listening_sockets(pids: set[int] | None = None) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state owned by `pids` (all of the
    machine's when `pids` is None)."""
    inodes = set()
    for pid in pids or ():
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
            if state != "0A" or (pids is not None and inode not in inodes):  # 0A: LISTEN
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = [raw[i : i + 4][::-1] for i in range(0, len(raw), 4)]
            address = socket.inet_ntop(family, b"".join(words))
            found.add((address, int(port_hex, 16)))
    return found

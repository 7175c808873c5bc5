"""The commands the benchmark runs, and what it reads about processes from /proc.

Every command runs in its own process group, ended by group id (never by name) if it
outlives its time limit or the benchmark is stopped. psutil is not installed, hence /proc.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from runtime.settings import ROOT
from runtime.stack import rasa_env

MB = 1_000_000  # the reports' megabyte
_TICK, _PAGE = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")


def bench_env(**extra: str) -> dict[str, str]:
    """The project's environment for Rasa commands, without Python's deprecation noise."""
    return rasa_env(PYTHONWARNINGS="ignore::DeprecationWarning", **extra)


@dataclass
class CommandResult:
    returncode: int
    seconds: float
    other_cores: float  # cores other processes kept busy meanwhile: a busy machine slows it


def run_command(args: list[str], log: Path, timeout: float, env: dict[str, str]) -> CommandResult:
    """Runs a command to completion with its output in `log`, and times it (wall clock)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start, busy, children = time.monotonic(), machine_busy_seconds(), _children_cpu_seconds()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            returncode = -1
        finally:  # also on Ctrl+C or SIGTERM while waiting: the command goes too
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = time.monotonic() - start
    # The command's CPU is counted once it has been waited for; the rest is other processes.
    other = machine_busy_seconds() - busy - (_children_cpu_seconds() - children)
    return CommandResult(returncode, seconds, max(0.0, other) / seconds)


def _children_cpu_seconds() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _processes() -> Iterator[tuple[int, str, list[str]]]:
    """(pid, command name, the /proc/<pid>/stat fields after the name) of every process."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, _, tail = (entry / "stat").read_text().rpartition(")")
            except OSError:  # the process ended meanwhile
                continue
            yield int(entry.name), head.partition("(")[2], tail.split()


def _group_sum(leader: int, value: Callable[[list[str]], int]) -> int:
    # fields[2] is the process group: a server's Sanic workers and children count with it.
    return sum(value(f) for pid, _, f in _processes() if pid == leader or f[2] == str(leader))


def group_rss(leader: int) -> int:
    """Resident bytes of a process group. Forked children share pages with their parent,
    so with several processes the sum slightly overstates."""
    return _group_sum(leader, lambda f: int(f[21])) * _PAGE


def group_cpu_seconds(leader: int) -> float:
    """CPU time (user + system, all threads) of a process group's live processes so far."""
    return _group_sum(leader, lambda f: int(f[11]) + int(f[12])) / _TICK


def named_cpu_seconds(name: str) -> float:
    """CPU time of every process called `name` (services the benchmark did not start), with
    its reaped children: PostgreSQL forks a backend per connection."""
    fields = (f for _, comm, f in _processes() if comm == name)
    return sum(sum(int(v) for v in f[11:15]) for f in fields) / _TICK


def own_cpu_seconds() -> float:
    """CPU time of the benchmark process: the load generator."""
    times = os.times()
    return times.user + times.system


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait; guest time is already in user time
    return (sum(values[:8]) - idle) / _TICK


def machine() -> str:
    """The machine the figures were measured on, read when the benchmark runs."""
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "?")
    memory = os.sysconf("SC_PHYS_PAGES") * _PAGE / 1e9
    return (
        f"{os.cpu_count()} cores, {memory:.1f} GB memory, {cpu}; "
        f"Python {platform.python_version()}, {platform.platform()}"
    )

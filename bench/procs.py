"""Child processes the benchmark starts: commands with a time limit, and their memory.

Every process is started in its own session (process group) and registered, so
`stop_all()` can end whatever is still running on Ctrl+C, SIGTERM or an error, by
process group id: never by name.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from scripts.serve import ROOT, VENV_BIN, rasa_env

_running: Dict[int, subprocess.Popen] = {}
_stopping = False  # set by stop_all(): a background thread must not start anything new


def bench_env(**extra: str) -> Dict[str, str]:
    """The project's environment for Rasa commands, with Python's deprecation noise off."""
    return rasa_env(**{"PYTHONWARNINGS": "ignore::DeprecationWarning", **extra})


@dataclass
class CommandResult:
    returncode: int
    seconds: float
    log: Path
    other_cores: float = 0.0  # cores other processes kept busy meanwhile (see CpuUsage)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_command(args: List[str], log: Path, timeout: float, env: Optional[Dict[str, str]] = None) -> CommandResult:
    """Runs a command to completion, output to `log`, and times it (wall clock)."""
    if _stopping:
        raise RuntimeError("the benchmark is stopping")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        start, busy, children = time.monotonic(), machine_busy_seconds(), _children_cpu_seconds()
        process = subprocess.Popen(
            args, cwd=ROOT, env=env or bench_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        _running[process.pid] = process
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            returncode = -1
        except BaseException:  # Ctrl+C or SIGTERM while waiting: the command goes too
            kill_group(process)
            raise
        finally:
            _running.pop(process.pid, None)
        seconds = time.monotonic() - start
        # Only meaningful when nothing else of ours runs meanwhile (training): the command's
        # CPU is counted once it has been waited for.
        other = machine_busy_seconds() - busy - (_children_cpu_seconds() - children)
        return CommandResult(returncode, seconds, log, max(0.0, other) / seconds if seconds else 0.0)


def _children_cpu_seconds() -> float:
    times = os.times()
    return times.children_user + times.children_system


def kill_group(process: subprocess.Popen, grace: float = 10) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def stop_all() -> None:
    global _stopping
    _stopping = True
    for process in list(_running.values()):
        kill_group(process)
    _running.clear()


# --- memory -----------------------------------------------------------------------------

MB = 1_000_000  # the reports' megabyte

def _group_of(pid: int) -> Optional[int]:
    try:
        # The command name (field 2) may contain spaces; fields after ')' are fixed.
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[2])
    except (OSError, ValueError, IndexError):
        return None


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def group_rss(leader: int) -> int:
    """Resident memory of a process and everything in its process group, in bytes.

    `rasa run` could fork (Sanic workers); a forked child shares pages with its parent,
    so the sum slightly overstates memory in that case. psutil is not installed, so
    this reads /proc directly.
    """
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    return sum(_rss_bytes(pid) for pid in pids if pid == leader or _group_of(pid) == leader)


# --- CPU --------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, all threads
    except (OSError, ValueError, IndexError):
        return 0


def group_cpu_seconds(leader: int) -> float:
    """CPU time used so far by a process group (live processes, all their threads)."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    return sum(_cpu_ticks(pid) for pid in pids if pid == leader or _group_of(pid) == leader) / _TICK


def own_cpu_seconds() -> float:
    """CPU time of the benchmark process itself (the load generator)."""
    times = os.times()
    return times.user + times.system


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    # guest time is already counted in user time
    return (sum(values[:8]) - idle) / _TICK


@dataclass
class CpuUsage:
    """CPU seconds used during one measured run, by whom.

    `other` is everything else on the machine (other people's tests, the OS): when it is
    large, wall-clock figures of that run are pessimistic, and the per-message CPU cost
    of the Rasa process is the better guide.
    """
    wall: float
    rasa: float
    actions: float
    client: float
    other: float

    def per_message_ms(self, messages: int) -> Dict[str, float]:
        n = max(messages, 1)
        return {"rasa": 1000 * self.rasa / n, "actions": 1000 * self.actions / n, "client": 1000 * self.client / n}

    @property
    def other_cores(self) -> float:
        """How many cores, on average, other processes kept busy during the run."""
        return self.other / self.wall if self.wall else 0.0


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def memory_total_bytes() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0

"""Where the Rasa server's time goes under load: py-spy samples its Python stacks during a
run at 20 conversations, and each sample is put in the phase of Rasa's turn it was in.

py-spy reads the process from outside (no instrumentation, no slowdown worth measuring),
which cProfile inside an event loop cannot do. The raw stacks are kept in collapsed-stack
format for a flame graph (`flamegraph.pl`, or https://www.speedscope.app).
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import LoadRun
from runtime.settings import VENV_BIN

PY_SPY = VENV_BIN / "py-spy"
SAMPLES_PER_SECOND = 100

# Phases of a turn, by a frame of Rasa's MessageProcessor (or channel) the sample is under,
# most specific first: NLU runs inside log_message, so it is checked before anything wider.
# The tracker store's phases are found by Rasa's frames, whichever store class runs below.
PHASES = (
    ("NLU (spaCy, featurizers, DIET)", "parse_message (rasa/core/processor.py"),
    ("loading the conversation (tracker store)", "get_tracker (rasa/core/processor.py"),
    ("policies (next action)", "predict_next_with_tracker_if_should (rasa/core/processor.py"),
    ("running actions (action server call, replies)", "_run_action (rasa/core/processor.py"),
    ("saving the conversation (tracker store)", "save_tracker (rasa/core/processor.py"),
    ("rest of the turn (processor, REST channel)", "handler (rasa/core/channels/channel.py"),
    ("rest of the turn (processor, REST channel)", "(channels/rest.py"),
)
OUTSIDE_A_TURN = "event loop outside Python code (sockets, scheduling), HTTP parsing"
# Libraries worth naming across phases: TensorFlow inside NLU, SQLAlchemy inside the store.
LIBRARIES = {
    "TensorFlow": "(tensorflow/",
    "SQLAlchemy": "(sqlalchemy/",
    "JSON": "(json/",
    "dask (Rasa's graph runner)": "(dask/",
}


@dataclass
class Profile:
    samples: int = 0
    messages: int = 0
    throughput: float = 0.0
    phases: list[tuple[str, int]] = field(default_factory=list)
    libraries: list[tuple[str, int]] = field(default_factory=list)
    hottest: list[tuple[str, int]] = field(default_factory=list)  # innermost frames
    raw_file: str = ""
    error: str = ""

    def ms_per_message(self, count: int) -> float:
        """Sampled time per message (waiting included), comparable with CPU per message."""
        if not self.messages:
            return float("nan")
        return count / SAMPLES_PER_SECOND * 1000 / self.messages


def summarise(collapsed: str) -> Profile:
    """Reads py-spy's raw output: one line per distinct stack, `frame;frame;... count`,
    outermost frame first, each frame `function (file:line)`."""
    phases: Counter[str] = Counter()
    libraries: Counter[str] = Counter()
    hottest: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count, frames = int(count_text), stack.split(";")
        in_phase = (phase for phase, marker in PHASES if any(marker in f for f in frames))
        phases[next(in_phase, OUTSIDE_A_TURN)] += count
        for library, marker in LIBRARIES.items():
            if any(marker in frame for frame in frames):
                libraries[library] += count
        hottest[frames[-1].rsplit(":", 1)[0] + ")"] += count
    return Profile(
        samples=sum(phases.values()),
        phases=phases.most_common(),
        libraries=libraries.most_common(),
        hottest=hottest.most_common(8),
    )


def profile_under_load(pid: int, load: Callable[[], LoadRun], raw_file: Path) -> Profile:
    """Samples process `pid` while `load()` runs."""
    if not PY_SPY.exists():
        return Profile(error=f"{PY_SPY} is missing: run `make setup`")
    raw_file.parent.mkdir(parents=True, exist_ok=True)
    raw_file.unlink(missing_ok=True)
    spy = subprocess.Popen(
        # --nonblocking: never pause Rasa to read it, so the profile does not slow the run.
        [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(SAMPLES_PER_SECOND)]
        + ["--nonblocking", "--format", "raw", "--output", str(raw_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        run = load()
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        output, _ = spy.communicate(timeout=120)
    if raw_file.exists():
        profile = summarise(raw_file.read_text(encoding="utf-8"))
        profile.raw_file = str(raw_file)
    else:
        said = output.strip().splitlines()[:1]
        profile = Profile(error=f"py-spy wrote no profile (exit code {spy.returncode}) {said}")
    profile.messages, profile.throughput = run.messages, run.throughput
    return profile

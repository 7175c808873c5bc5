"""Training time and model size.

Models go to a temporary directory (models/ is never touched), and every run gets an
empty RASA_CACHE_DIRECTORY: Rasa would otherwise reuse cached components from an earlier
run and time almost nothing. Nothing else runs meanwhile.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List

from bench.procs import MB, VENV_BIN, bench_env, run_command
from bench.stats import median
from scripts.serve import MODEL



@dataclass
class TrainingResults:
    full_seconds: List[float] = field(default_factory=list)
    nlu_seconds: List[float] = field(default_factory=list)
    other_cores: Dict[str, List[float]] = field(default_factory=dict)  # per run, by kind
    model_mb: float = 0.0  # a model trained here
    deployed_model_mb: float = 0.0  # models/mesotherapy.tar.gz
    failures: List[str] = field(default_factory=list)

    @property
    def full_median(self) -> float:
        return median(self.full_seconds)

    @property
    def nlu_median(self) -> float:
        return median(self.nlu_seconds)

    def as_dict(self) -> Dict[str, Any]:
        return {**asdict(self), "full_median": self.full_median, "nlu_median": self.nlu_median}


def _train(kind: str, number: int, work: Path, logs: Path) -> tuple:
    out = work / f"train-{kind}-{number}"
    name = f"bench-{kind}"
    args = [str(VENV_BIN / "rasa"), "train", *(["nlu"] if kind == "nlu" else ["--force"]),
            "--out", str(out), "--fixed-model-name", name]
    env = bench_env(RASA_CACHE_DIRECTORY=str(out / "cache"))
    result = run_command(args, logs / f"train-{kind}-{number}.log", timeout=900, env=env)
    return result, out / f"{name}.tar.gz"


def measure_training(repeats: int, nlu_repeats: int, work: Path, logs: Path,
                     log: Callable[[str], None]) -> TrainingResults:
    results = TrainingResults(deployed_model_mb=MODEL.stat().st_size / MB if MODEL.exists() else 0.0)
    for number in range(max(repeats, nlu_repeats)):
        for kind, times, wanted in (("full", results.full_seconds, repeats), ("nlu", results.nlu_seconds, nlu_repeats)):
            if number >= wanted:
                continue
            result, model = _train(kind, number, work, logs)
            if not result.ok:
                results.failures.append(f"rasa train {kind}: exit code {result.returncode}, see {result.log}")
                continue
            times.append(result.seconds)
            results.other_cores.setdefault(kind, []).append(round(result.other_cores, 2))
            if kind == "full":
                results.model_mb = model.stat().st_size / MB
            log(f"training {kind} ({number + 1}/{wanted}): {result.seconds:.1f} s "
                f"(other processes: {result.other_cores:.2f} cores)")
    return results

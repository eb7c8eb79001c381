"""``ordermoat demo``: simulate a marketplace with a mixed leak, ingest it, trace it, and
compare the verdict with the simulator's ground truth. Embedded storage only."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ordermoat.domain import Kind, TraceResult
from ordermoat.ingest import Progress
from ordermoat.moat import Moat

__all__ = ["DemoResult", "run_demo", "DEMO_ORDERS", "DEMO_SEED", "DEMO_REPORT_RATE"]

DEMO_ORDERS = 40_000
DEMO_SEED = 20261122
#: A share of leaked orders reported that gives the evidence a clear verdict; the power
#: benchmark (BENCHMARKS.md) shows how accusations thin out as it falls.
DEMO_REPORT_RATE = 0.2
_KIND_ORDER = (Kind.ACTORS, Kind.ORDERS, Kind.ACCESS, Kind.LOGINS, Kind.REPORTS)


@dataclass(slots=True)
class DemoResult:
    workspace: Path
    truth: dict[str, Any]
    trace: TraceResult
    stats: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def leakers(self) -> set[str]:
        return {leak["actor_id"] for leak in self.truth.get("leakers", [])}

    @property
    def accused(self) -> set[str]:
        return {s.actor_id for s in self.trace.accused if s.actor_id}

    @property
    def exact(self) -> bool:
        """True when exactly the simulator's leakers were accused."""
        return self.accused == self.leakers


def run_demo(
    out_dir: Path,
    *,
    orders: int = DEMO_ORDERS,
    seed: int = DEMO_SEED,
    scenario: str = "mixed",
    report_rate: float = DEMO_REPORT_RATE,
    progress: Progress | None = None,
) -> DemoResult:
    """Simulate into ``out_dir/data``, load into the workspace ``out_dir/workspace``, trace."""
    from ordermoat.simulate import simulate

    timings: dict[str, float] = {}
    data_dir, ws = out_dir / "data", out_dir / "workspace"
    t0 = time.perf_counter()
    sim_progress = (lambda stage, done, total: progress(f"simulate: {stage}", done, total)) if progress else None
    truth = simulate(
        data_dir, seed=seed, orders=orders, scenario=scenario, fmt="csv", report_rate=report_rate, progress=sim_progress
    )
    timings["simulate"] = time.perf_counter() - t0
    with Moat.open(ws) as moat:
        t0 = time.perf_counter()
        for kind in _KIND_ORDER:
            path = data_dir / f"{kind.value}.csv"
            kind_progress = (lambda stage, done, total, k=kind: progress(f"ingest {k.value}", done, total)) if progress else None
            moat.ingest(kind.value, path, progress=kind_progress)
        timings["ingest"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = moat.trace(progress=progress)
        timings["trace"] = time.perf_counter() - t0
        stats = moat.stats()
    (out_dir / "trace.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return DemoResult(workspace=ws, truth=truth, trace=result, stats=stats, timings=timings)

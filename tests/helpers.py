"""Test helpers shared by unit and integration tests."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

KINDS = ("actors", "orders", "access", "logins", "reports")


@lru_cache(maxsize=8)
def simulated(
    root: str, scenario: str, seed: int, orders: int, fmt: str = "csv", report_rate: float | None = None
) -> tuple[str, dict[str, Any]]:
    """Simulate once per arguments (cached for the session); returns (dir, truth)."""
    from ordermoat.simulate import simulate

    out = Path(root) / f"{scenario}-{seed}-{orders}-{fmt}-{report_rate}"
    if not (out / "truth.json").exists():
        simulate(out, seed=seed, orders=orders, scenario=scenario, fmt=fmt, report_rate=report_rate)
    return str(out), json.loads((out / "truth.json").read_text(encoding="utf-8"))


def ingest_all(moat: Any, data_dir: str | Path, fmt: str = "csv") -> None:
    for kind in KINDS:
        moat.ingest(kind, Path(data_dir) / f"{kind}.{fmt}")


def verdict(result: Any) -> dict[str, Any]:
    """What must agree between backends: who is accused, and the case/report partition."""
    return {
        "accused": sorted(s.actor_id for s in result.accused),
        "cases": sorted(sorted(c.report_ids) for c in result.cases),
        "unexplained": sorted(result.unexplained_report_ids),
        "hits": sorted((s.actor_id, s.hits) for c in result.cases for s in c.suspects if s.accused),
        "exposed": sorted(c.exposed_orders for c in result.cases),
    }

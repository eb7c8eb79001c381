"""The lake's analytics on Spark (local mode), and parity with DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ingest_all, simulated, verdict
from ordermoat import Moat

pytestmark = pytest.mark.spark


def test_trace_is_the_same_on_duckdb_and_spark(tmp_path: Path, spark_available: None) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "mixed", 5, 6000, report_rate=0.3)
    results = {}
    for engine in ("duckdb", "spark"):
        with Moat.init(tmp_path / engine, engine=engine) as moat:
            ingest_all(moat, data)
            assert moat.stats()["access_events"] > 0
            results[engine] = verdict(moat.trace())
    assert results["duckdb"] == results["spark"]
    assert set(results["spark"]["accused"]) <= {leak["actor_id"] for leak in truth["leakers"]}


def test_detect_is_the_same_on_duckdb_and_spark(tmp_path: Path, spark_available: None) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "insider_bulk", 6, 6000)
    alerts = {}
    for engine in ("duckdb", "spark"):
        with Moat.init(tmp_path / f"d-{engine}", engine=engine) as moat:
            for kind in ("actors", "access", "logins"):
                moat.ingest(kind, Path(data) / f"{kind}.csv")
            result = moat.detect()
            alerts[engine] = sorted((a["alert_id"], round(a["score"], 6)) for a in result.alerts)
            assert moat.detect().alerts == []  # the watermark holds on both engines
    assert alerts["duckdb"] == alerts["spark"]
    assert alerts["duckdb"]

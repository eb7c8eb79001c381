"""The operational store on a real PostgreSQL server, and parity with SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ingest_all, simulated, verdict
from ordermoat import Moat

pytestmark = pytest.mark.postgres


def test_init_migrates_postgres_and_ingest_is_idempotent(tmp_path: Path, pg_url: str) -> None:
    data, _ = simulated(str(tmp_path / "sim"), "courier", 3, 3000)
    with Moat.init(tmp_path / "ws", db_url=pg_url) as moat:
        assert moat.store.dialect == "postgresql"
        r1 = moat.ingest("orders", Path(data) / "orders.csv")
        r2 = moat.ingest("orders", Path(data) / "orders.csv")
        assert r1.rows_loaded > 0 and r2.already_ingested
        assert moat.stats()["orders"] == r1.rows_loaded
    # The workspace remembers its database.
    with Moat.open(tmp_path / "ws") as moat:
        assert moat.store.dialect == "postgresql"


def test_trace_is_the_same_on_sqlite_and_postgres(tmp_path: Path, pg_url: str) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "mixed", 11, 6000, report_rate=0.3)
    results = {}
    for name, url in (("sqlite", None), ("postgres", pg_url)):
        with Moat.init(tmp_path / name, db_url=url) as moat:
            ingest_all(moat, data)
            results[name] = verdict(moat.trace())
            assert moat.stats()["cases"] == len(results[name]["cases"])
    assert results["sqlite"] == results["postgres"]
    assert results["sqlite"]["accused"]  # a mixed leak is found at all

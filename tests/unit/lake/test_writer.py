from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from ordermoat.formats.schemas import schema_for
from ordermoat.lake import BatchWriter, connect_engine
from ordermoat.lake.layout import has_data


def _events(ids: list[str]) -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            "event_id": ids,
            "ts": [datetime(2024, 5, 1, i % 24, tzinfo=UTC) for i in range(n)],
            "actor_id": ["a"] * n,
            "order_ids": [["o1", "o2"]] * n,
            "operation": ["view"] * n,
            "field_mask": pa.array([63] * n, pa.int16()),
            "ip": [None] * n,
            "device_id": [None] * n,
            "app_id": [None] * n,
            "url": [None] * n,
        },
        schema=schema_for("access"),
    )


def test_commit_dedupes_within_batch_and_against_lake(tmp_path: Path) -> None:
    with BatchWriter(tmp_path, "access", schema_for("access")) as w:
        w.write(_events(["e1", "e2", "e2"]))
        assert w.commit() == 2
    with BatchWriter(tmp_path, "access", schema_for("access")) as w:
        w.write(_events(["e2", "e3"]))
        assert w.commit() == 1
    engine = connect_engine("duckdb", tmp_path)
    assert engine.count("access") == 3
    assert not any((tmp_path / "_staging").iterdir())


def test_crash_before_commit_publishes_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), BatchWriter(tmp_path, "access", schema_for("access")) as w:
        w.write(_events(["e1"]))
        raise RuntimeError("crash mid-ingest")
    assert not has_data(tmp_path, "access")
    assert connect_engine("duckdb", tmp_path).count("access") == 0


def test_unknown_engine_is_a_config_error(tmp_path: Path) -> None:
    from ordermoat._exceptions import ConfigError

    with pytest.raises(ConfigError, match="unknown engine"):
        connect_engine("oracle", tmp_path)


def test_duckdb_draws_no_progress_bar_on_stdout(tmp_path: Path) -> None:
    # DuckDB prints a progress bar to stdout on long queries, even into a pipe: it would
    # corrupt `trace --json`.
    engine = connect_engine("duckdb", tmp_path)
    setting = engine.backend.raw_sql("SELECT current_setting('enable_progress_bar')").fetchone()[0]
    assert setting is False

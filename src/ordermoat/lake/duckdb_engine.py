"""The embedded engine: DuckDB through Ibis, reading the lake's Parquet in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
from ibis.expr.types import Table

from ordermoat.lake.engine import Engine
from ordermoat.lake.layout import batch_files, has_data, parquet_glob

__all__ = ["DuckDBEngine"]


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, root: Path, threads: int | None = None) -> None:
        super().__init__(root)
        self._con: Any = None
        self._threads = threads

    @property
    def backend(self) -> Any:
        if self._con is None:
            # No progress bar: DuckDB draws it on stdout even when that is a pipe (trace --json).
            self._con = ibis.duckdb.connect()
            self._con.raw_sql("SET enable_progress_bar = false")
            if self._threads:
                self._con.raw_sql(f"SET threads = {int(self._threads)}")
        return self._con

    def table(self, kind: str) -> Table | None:
        if not has_data(self.root, kind):
            return None
        return self.backend.read_parquet(parquet_glob(self.root, kind), table_name=f"lake_{kind}", hive_partitioning=False)

    def batches(self, kind: str, batch_ids: list[str]) -> Table | None:
        files = batch_files(self.root, kind, batch_ids)
        if not files:
            return None
        return self.backend.read_parquet(files, table_name=f"lake_{kind}_new", hive_partitioning=False)

    def close(self) -> None:
        if self._con is not None:
            self._con.disconnect()
            self._con = None

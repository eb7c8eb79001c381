"""The few conversions pyarrow cannot do, run by DuckDB on one column at a time.

Used off the hot path: MD5 of derived ids, timestamps that are not plain ISO-8601 without
offset, decimals needing rounding, JSON arrays and objects, and JSON Lines extraction.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

__all__ = ["SESSION_TIME_ZONE", "Duck", "connect", "sql_str"]

#: A fixed +08:00 zone (POSIX sign inverted): what a timestamp without offset means.
SESSION_TIME_ZONE = "Etc/GMT-8"


def sql_str(value: str) -> str:
    """``value`` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection where text without an offset means +08:00."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET TimeZone = {sql_str(SESSION_TIME_ZONE)}")
    return con


class Duck:
    """A DuckDB connection opened on first use (many files never need one)."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect()
        return self._con

    def run_sql(self, sql: str, raw: pa.Table) -> pa.Table:
        """Run ``sql`` with ``raw`` registered as the relation ``raw``."""
        self.con.register("raw", raw)
        try:
            return self.con.execute(sql).to_arrow_table()
        finally:
            self.con.unregister("raw")

    def map_column(self, expr: str, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        """``expr`` (SQL over the column ``x``) applied to every value, in order."""
        out = self.run_sql(f"SELECT {expr} AS y FROM raw", pa.table({"x": values}))
        return out.column("y").combine_chunks()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

"""Writing one ingest batch of events into the lake, atomically and idempotently."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ordermoat.lake.layout import has_data, kind_dir, parquet_glob, staging_dir

__all__ = ["BatchWriter"]


class BatchWriter:
    """Stage Arrow batches as Parquet, then commit them as one new lake batch.

    ``commit`` drops events whose ``event_id`` is already in the lake or repeated inside
    the batch, and publishes the rest by renaming the staging directory into place.
    Leaving the ``with`` block without ``commit`` (an error, a crash) discards the batch.
    """

    def __init__(self, root: Path, kind: str, schema: pa.Schema) -> None:
        self.root, self.kind, self.schema = root, kind, schema
        self.batch_id = uuid.uuid4().hex[:16]
        self._stage = staging_dir(root, self.batch_id)
        self._stage.mkdir(parents=True)
        self._raw = self._stage / "raw.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self._raw, schema, compression="zstd")
        self.rows_written = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            raise RuntimeError("batch already committed")
        if table.num_rows:
            self._writer.write_table(table)
            self.rows_written += table.num_rows

    def commit(self) -> int:
        """Publish the batch; returns the number of new events."""
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        if self.rows_written == 0:
            self.discard()
            return 0
        final_dir = self._stage / f"batch={self.batch_id}"
        final_dir.mkdir()
        out = final_dir / "part-0.parquet"
        con = duckdb.connect()
        try:
            con.execute("SET preserve_insertion_order = false")
            src = f"read_parquet('{_sql_path(self._raw)}')"
            query = f"SELECT DISTINCT ON (event_id) * FROM {src}"
            if has_data(self.root, self.kind):
                existing = f"read_parquet('{_sql_path(Path(parquet_glob(self.root, self.kind)))}', hive_partitioning=false)"
                query = f"SELECT * FROM ({query}) s WHERE NOT EXISTS (SELECT 1 FROM {existing} e WHERE e.event_id = s.event_id)"
            con.execute(f"COPY ({query}) TO '{_sql_path(out)}' (FORMAT parquet, COMPRESSION zstd)")
            added = int(con.execute(f"SELECT count(*) FROM read_parquet('{_sql_path(out)}')").fetchone()[0])  # type: ignore[index]
        finally:
            con.close()
        if added == 0:
            self.discard()
            return 0
        target = kind_dir(self.root, self.kind)
        target.mkdir(parents=True, exist_ok=True)
        final_dir.rename(target / final_dir.name)  # the commit point
        self.discard()
        return added

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self._stage, ignore_errors=True)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.discard()


def _sql_path(p: Path) -> str:
    """A path as a SQL string literal body (workspace paths come from settings, not users' rows)."""
    return str(p).replace("'", "''")

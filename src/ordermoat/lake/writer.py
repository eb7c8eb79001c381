"""Writing one ingest batch of events into the lake, atomically and idempotently."""

from __future__ import annotations

import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ordermoat.lake.layout import has_data, kind_dir, parquet_glob, staging_dir

__all__ = ["BatchWriter"]

#: DuckDB's memory cap while deduplicating a batch; beyond it, it spills to the staging dir.
_MEMORY_LIMIT = "2GB"


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
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ordermoat-stage")
        self._pending: Future[None] | None = None
        self.rows_written = 0

    def write(self, table: pa.Table) -> None:
        """Stage ``table``; encoding runs on a second thread while the caller reads on."""
        if self._writer is None:
            raise RuntimeError("batch already committed")
        if table.num_rows:
            self._drain()
            self._pending = self._pool.submit(self._writer.write_table, table)
            self.rows_written += table.num_rows

    def _drain(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()  # re-raises a failed write here

    def commit(self) -> int:
        """Publish the batch; returns the number of new events.

        The common case (no event repeated inside the batch or already in the lake) renames
        the staged file into place as it is; otherwise DuckDB writes the batch without them.
        """
        assert self._writer is not None
        self._drain()
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
            con.execute("SET enable_progress_bar = false")
            con.execute("SET preserve_insertion_order = false")
            con.execute(f"SET memory_limit = {_sql_str(_MEMORY_LIMIT)}")
            con.execute(f"SET temp_directory = {_sql_str(self._stage / 'spill')}")
            src = f"read_parquet({_sql_str(self._raw)})"
            existing = None
            if has_data(self.root, self.kind):
                existing = f"read_parquet({_sql_str(parquet_glob(self.root, self.kind))}, hive_partitioning=false)"
            repeated = con.execute(f"SELECT count(*) - count(DISTINCT event_id) FROM {src}").fetchone()[0]  # type: ignore[index]
            known = 0
            if existing is not None:
                known = con.execute(f"SELECT count(*) FROM {src} s SEMI JOIN {existing} e ON e.event_id = s.event_id").fetchone()[0]  # type: ignore[index]
            if repeated == 0 and known == 0:
                self._raw.rename(out)
                added = self.rows_written
            else:
                query = f"SELECT DISTINCT ON (event_id) * FROM {src}" if repeated else f"SELECT * FROM {src}"
                if known:
                    query = f"SELECT * FROM ({query}) s ANTI JOIN {existing} e ON e.event_id = s.event_id"
                con.execute(f"COPY ({query}) TO {_sql_str(out)} (FORMAT parquet, COMPRESSION zstd)")
                added = int(con.execute(f"SELECT count(*) FROM read_parquet({_sql_str(out)})").fetchone()[0])  # type: ignore[index]
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
        try:
            self._drain()
        except Exception:  # noqa: BLE001 - the batch is being thrown away anyway
            pass
        self._pool.shutdown(wait=True)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self._stage, ignore_errors=True)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.discard()


def _sql_str(p: Path | str) -> str:
    """A path as a SQL string literal (workspace paths come from settings, not users' rows)."""
    return "'" + str(p).replace("'", "''") + "'"

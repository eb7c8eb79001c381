"""Writing the contract's files in chunks: CSV, JSON Lines or Parquet.

Tables arrive typed (timestamps, lists, decimals); each format gets what the contract
asks of it: in CSV lists are ``;``-joined, and in CSV and JSON Lines timestamps are
ISO-8601 strings with a ``+08:00`` offset and ``recited`` is a JSON object.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

__all__ = ["FORMATS", "TableWriter"]

FORMATS: dict[str, str] = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}
_JSON_OBJECT_COLUMNS = ("recited",)


def _iso(col: pa.ChunkedArray) -> pa.Array:
    text = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S")
    return pc.binary_join_element_wise(text, "+08:00", "")


def _textual(table: pa.Table, *, join_lists: bool) -> pa.Table:
    for i, f in enumerate(table.schema):
        col = table.column(i)
        if pa.types.is_timestamp(f.type):
            table = table.set_column(i, f.name, _iso(col))
        elif join_lists and pa.types.is_list(f.type):
            table = table.set_column(i, f.name, pc.binary_join(col, ";"))
    return table


class TableWriter:
    """Appends tables to ``<dir>/<kind>.<ext>``; the first table fixes the schema."""

    def __init__(self, directory: Path, kind: str, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        self.fmt = fmt
        self.path = directory / f"{kind}.{FORMATS[fmt]}"
        self.rows = 0
        self._writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        self._jsonl: duckdb.DuckDBPyConnection | None = None
        if self.path.exists():
            self.path.unlink()

    def write(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        if self.fmt == "parquet":
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._writer.write_table(table)
        elif self.fmt == "csv":
            table = _textual(table, join_lists=True)
            if self._writer is None:
                self._writer = pacsv.CSVWriter(self.path, table.schema)
            self._writer.write_table(table)
        else:
            self._write_jsonl(_textual(table, join_lists=False))

    def _write_jsonl(self, table: pa.Table) -> None:
        if self._jsonl is None:
            self._jsonl = duckdb.connect()
            self._jsonl.execute("SET enable_progress_bar = false")
            self._jsonl.execute("SET preserve_insertion_order = true")
        cols = ", ".join(
            f'json("{c}") AS "{c}"' if c in _JSON_OBJECT_COLUMNS else f'"{c}"' for c in table.column_names
        )
        part = self.path.with_suffix(".part.jsonl")
        self._jsonl.register("chunk", table)
        self._jsonl.execute(f"COPY (SELECT {cols} FROM chunk) TO '{part}' (FORMAT JSON)")
        self._jsonl.unregister("chunk")
        with open(self.path, "ab") as out, open(part, "rb") as src:
            while block := src.read(1 << 24):
                out.write(block)
        os.remove(part)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._jsonl is not None:
            self._jsonl.close()
        self._writer = self._jsonl = None
        if not self.path.exists():
            self.path.touch()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

"""Parquet: native types, read a row batch at a time; a row's "line" is its 1-based number."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ordermoat._exceptions import BadInputError
from ordermoat.formats.source import RawChunk, Source

__all__ = ["ParquetSource"]


class ParquetSource(Source):
    """A Parquet file; ``wanted`` are the contract columns worth reading."""

    def __init__(self, path: Path, wanted: Collection[str], batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise BadInputError(f"{path.name}: not a readable Parquet file") from exc
        schema = self._file.schema_arrow
        self.columns = {f.name: f.type for f in schema if f.name in wanted}

    def close(self) -> None:
        self._file.close()

    def chunks(self) -> Iterator[RawChunk]:
        first = 1
        try:
            for batch in self._file.iter_batches(batch_size=self.batch_rows, columns=list(self.columns)):
                n = batch.num_rows
                lines = pa.array(np.arange(first, first + n, dtype=np.int64))
                table = pa.Table.from_batches([batch]).append_column("__line", lines)
                yield RawChunk(table, _row_text(batch, first))
                first += n
        except (pa.ArrowException, OSError) as exc:
            raise BadInputError(f"{self.path.name}: cannot read Parquet data: {exc}") from exc


def _row_text(batch: pa.RecordBatch, first: int) -> Callable[[int], str]:
    def text(line: int) -> str:
        row = batch.slice(line - first, 1).to_pylist()[0]
        return json.dumps(row, ensure_ascii=False, default=str)

    return text

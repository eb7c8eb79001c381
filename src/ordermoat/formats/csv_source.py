"""CSV: a header row, then one record per line, parsed by pyarrow block by block.

Values are read as text (the validator converts them). A line with the wrong number of
columns is rejected with its line number; blank lines are skipped. Line numbers are exact
as long as no quoted value holds a newline.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat._exceptions import BadInputError
from ordermoat.formats.lines import (
    LineBlock,
    block_bytes_for,
    iter_blocks,
    open_binary,
    parse_block,
    split_first_line,
    to_utf8,
)
from ordermoat.formats.source import RawChunk, Source, split_rows

__all__ = ["CsvSource"]

_BOM = b"\xef\xbb\xbf"


class CsvSource(Source):
    """A CSV file; ``wanted`` are the contract columns worth reading."""

    def __init__(self, path: Path, gz: bool, wanted: Collection[str], batch_rows: int) -> None:
        self.path = path
        self.batch_rows = batch_rows
        self._stream = open_binary(path, gz)
        try:
            first, self._rest = split_first_line(self._stream)
        except (OSError, EOFError) as exc:
            self._stream.close()
            raise BadInputError(f"{path.name}: cannot read: {exc}") from exc
        self.header: list[str] = []
        if first is not None and first.strip():
            text = first.removeprefix(_BOM).decode("utf-8", errors="replace")
            self.header = [name.strip() for name in next(csv.reader([text]))]
        self.include = list(dict.fromkeys(name for name in self.header if name in wanted))
        self.columns = {name: None for name in self.include}

    def close(self) -> None:
        self._stream.close()

    def chunks(self) -> Iterator[RawChunk]:
        if not self.header:
            return
        line = 2
        try:
            for data in iter_blocks(self._stream, block_bytes_for(self.batch_rows), self._rest):
                block = LineBlock(data, line)
                yield from self._chunks(block)
                line = block.first_line + self._n_lines
        except (OSError, EOFError) as exc:
            raise BadInputError(f"{self.path.name}: cannot read: {exc}") from exc
        except pa.ArrowInvalid as exc:
            raise BadInputError(f"{self.path.name}: not readable as CSV: {exc}") from exc

    def _chunks(self, block: LineBlock) -> Iterator[RawChunk]:
        parsed = parse_block(block.data, block.first_line, self.header, self.include)
        self._n_lines = parsed.n_lines
        table = pa.table({name: to_utf8(parsed.table.column(name)) for name in self.include})
        table = table.append_column("__line", pa.array(parsed.lines))
        table = self._drop_blank_lines(table, block)
        rejected = [
            (line, f"expected {expected} columns, got {actual}", text)
            for line, text, expected, actual in parsed.invalid
            if text.strip()
        ]
        for rows, bad in split_rows(table, rejected, self.batch_rows):
            yield RawChunk(rows, block.text, bad)

    def _drop_blank_lines(self, table: pa.Table, block: LineBlock) -> pa.Table:
        """Remove rows that came from empty lines (every value NULL, nothing on the line)."""
        all_null = np.ones(table.num_rows, dtype=bool)
        for name in self.include:
            col = table.column(name)
            if col.null_count == 0:
                return table
            all_null &= pc.is_null(col).to_numpy(zero_copy_only=False)
        if not all_null.any():
            return table
        lines = table.column("__line").to_numpy()
        blank = np.array([not block.text(int(line)).strip() for line in lines[all_null]])
        drop = np.zeros(table.num_rows, dtype=bool)
        drop[np.flatnonzero(all_null)[blank]] = True
        return table.filter(pa.array(~drop))

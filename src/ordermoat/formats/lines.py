"""Line-oriented files (CSV, JSON Lines) streamed as blocks of whole lines, parsed by
pyarrow's CSV reader with exact line numbers.

Both formats hold one record per physical line (the CSV reader assumes no newline inside a
quoted value), so both are cut the same way: byte blocks ending at a line end, each parsed
into an Arrow table whose rows carry their file line numbers. Memory is bounded by the
block size whatever the file's size.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = [
    "LineBlock",
    "ParsedBlock",
    "block_bytes_for",
    "iter_blocks",
    "open_binary",
    "parse_block",
    "split_first_line",
    "to_utf8",
]


def open_binary(path: Path, gz: bool) -> BinaryIO:
    """``path`` opened for reading bytes, decompressed on the fly when ``gz``."""
    if gz:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def block_bytes_for(batch_rows: int) -> int:
    """Bytes per block for batches of ``batch_rows`` rows (between 1 MiB and 128 MiB)."""
    return max(1 << 20, min(128 << 20, batch_rows * 128))


def split_first_line(stream: BinaryIO) -> tuple[bytes | None, bytes]:
    """Read ``stream``'s first line; return it (``None`` at EOF) and the bytes read past it."""
    buf = b""
    while True:
        chunk = stream.read(1 << 16)
        buf += chunk
        pos = buf.find(b"\n")
        if pos >= 0:
            return buf[:pos].rstrip(b"\r"), buf[pos + 1 :]
        if not chunk:
            return (buf.rstrip(b"\r") if buf else None), b""


def iter_blocks(stream: BinaryIO, block_bytes: int, prefix: bytes = b"") -> Iterator[memoryview]:
    """Blocks of about ``block_bytes`` bytes, each ending with ``\\n`` (added at EOF).

    Each block is a fresh buffer filled with ``readinto``: no copy beyond the carry-over of
    the last, partial line (and the buffer is not zero-filled, so a small file costs little).
    """
    pending = prefix
    while True:
        buf = np.empty(len(pending) + block_bytes, dtype=np.uint8)  # not zero-filled: cheap
        view = memoryview(buf)
        view[: len(pending)] = pending
        got = stream.readinto(view[len(pending) :])  # type: ignore[attr-defined]
        if not got:
            break
        size = len(pending) + got
        ends = np.flatnonzero(buf[max(0, size - (1 << 20)) : size] == 10)
        cut = int(ends[-1]) + 1 + max(0, size - (1 << 20)) if len(ends) else 0
        if cut == 0:  # no line end in the last MiB: look further back, or keep reading
            cut = bytes(view[:size]).rfind(b"\n") + 1
        if cut == 0:
            pending = bytes(view[:size])
            continue
        pending = bytes(view[cut:size])
        yield view[:cut]
    if pending.strip():
        yield memoryview(pending if pending.endswith(b"\n") else pending + b"\n")


@dataclass(slots=True)
class LineBlock:
    """Whole lines of a file starting at line ``first_line``."""

    data: memoryview
    first_line: int
    _starts: np.ndarray | None = field(default=None, repr=False)

    def text(self, line: int) -> str:
        """The text of file line ``line`` (no terminator), computed on demand."""
        if self._starts is None:
            view = np.frombuffer(self.data, dtype=np.uint8)
            self._starts = np.concatenate([[0], np.flatnonzero(view == 10) + 1])
        i = line - self.first_line
        raw = bytes(self.data[int(self._starts[i]) : int(self._starts[i + 1])])
        return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")


@dataclass(slots=True)
class ParsedBlock:
    """A block parsed: its rows, their line numbers, and the lines that did not parse."""

    table: pa.Table
    lines: np.ndarray
    #: (line, text, expected columns, actual columns)
    invalid: list[tuple[int, str, int, int]]
    n_lines: int


def parse_block(
    data: memoryview,
    first_line: int,
    column_names: Sequence[str],
    include: Sequence[str],
    parse_options: dict[str, object] | None = None,
) -> ParsedBlock:
    """Parse ``data`` (whole lines, no header) as CSV, ``include`` columns as binary.

    Every physical line is a row or an invalid row (a blank line is a row of NULLs), so
    line numbers follow from the rows and the invalid rows' positions. Threaded parsing
    does not number invalid rows: a block that has some is parsed again serially.
    """
    table, invalid = _read_csv(data, column_names, include, parse_options, threads=True)
    if invalid and any(number is None for number, *_ in invalid):
        table, invalid = _read_csv(data, column_names, include, parse_options, threads=False)
    n_lines = table.num_rows + len(invalid)
    skipped = np.array([number - 1 for number, *_ in invalid], dtype=np.int64)
    lines = np.delete(np.arange(first_line, first_line + n_lines, dtype=np.int64), skipped)
    numbered = [(first_line + number - 1, text, exp, act) for number, text, exp, act in invalid]  # type: ignore[operator]
    return ParsedBlock(table, lines, numbered, n_lines)


def _read_csv(
    data: memoryview,
    column_names: Sequence[str],
    include: Sequence[str],
    parse_options: dict[str, object] | None,
    *,
    threads: bool,
) -> tuple[pa.Table, list[tuple[int | None, str, int, int]]]:
    invalid: list[tuple[int | None, str, int, int]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(column_names=list(column_names), use_threads=threads),
        parse_options=pacsv.ParseOptions(
            invalid_row_handler=handler, ignore_empty_lines=False, **(parse_options or {})
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(include),
            column_types={name: pa.binary() for name in include},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return table, invalid


def to_utf8(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Binary values as UTF-8 strings; invalid UTF-8 gets replacement characters."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    try:
        return col.cast(pa.string())
    except pa.ArrowInvalid:
        fixed = [None if v is None else v.decode("utf-8", errors="replace") for v in col.to_pylist()]
        return pa.array(fixed, pa.string())

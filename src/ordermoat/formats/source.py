"""What every reader hands the validator: raw chunks of a file, with their line numbers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pyarrow as pa

__all__ = ["RawChunk", "Source", "split_rows"]


@dataclass(slots=True)
class RawChunk:
    """Raw rows of one batch.

    ``table`` holds the contract's columns (or what ``Source.source_sql`` reads) and
    ``__line``, the row's line number in the file; ``rejected`` are rows the reader could not even split into
    columns, as (line, reason, raw text); ``raw_text(line)`` gives any row's raw text.
    """

    table: pa.Table
    raw_text: Callable[[int], str]
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


class Source(ABC):
    """A file opened for reading, streamed as :class:`RawChunk` s."""

    #: Contract columns the file has, with their Arrow type (``None``: text).
    columns: Mapping[str, pa.DataType | None]
    #: If set, DuckDB SQL over the chunk's table (``raw``) that gives the contract's
    #: columns, ``__line`` and ``__bad`` (a structural problem of the row, else NULL).
    source_sql: str | None = None

    @abstractmethod
    def chunks(self) -> Iterator[RawChunk]:
        """The file's rows, ``batch_rows`` lines (or rows) at a time."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the file."""


def split_rows(
    table: pa.Table, rejected: list[tuple[int, str, str]], batch_rows: int
) -> Iterator[tuple[pa.Table, list[tuple[int, str, str]]]]:
    """``table`` (with ``__line``) in slices of ``batch_rows`` rows, each with the
    ``rejected`` rows whose line falls in its range (so batches stay in line order)."""
    n = table.num_rows
    if n <= batch_rows:
        yield table, rejected
        return
    lines = table.column("__line").to_numpy()
    for start in range(0, n, batch_rows):
        end = min(start + batch_rows, n)
        lo = lines[start] if start else -1
        hi = lines[end] if end < n else float("inf")
        yield table.slice(start, end - start), [r for r in rejected if lo <= r[0] < hi]

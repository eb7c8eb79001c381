"""``read_batches``: any contract file, streamed as validated, normalized Arrow batches."""

from __future__ import annotations

import queue
import threading

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from ordermoat._exceptions import BadInputError
from ordermoat.domain import Kind, RejectedRow
from ordermoat.formats.csv_source import CsvSource
from ordermoat.formats.datamoat import DATAMOAT_KEYS, DATAMOAT_SPEC
from ordermoat.formats.detection import FileFormat, detect_format
from ordermoat.formats.duck import Duck
from ordermoat.formats.jsonl_source import JsonLinesSource
from ordermoat.formats.parquet_source import ParquetSource
from ordermoat.formats.source import Source
from ordermoat.formats.specs import SPECS, KindSpec
from ordermoat.formats.validation import Validator

__all__ = ["Batch", "read_batches"]


@dataclass(slots=True)
class Batch:
    """One batch of a file.

    ``good`` has exactly :func:`~ordermoat.formats.schema_for` of the kind and only valid
    rows; ``rejected`` says where and why each bad row was set aside (never quoting its
    values) and ``rejected_raw`` holds those rows' raw text, in the same order.
    """

    good: pa.Table
    rejected: list[RejectedRow]
    rejected_raw: list[str]

    @property
    def rows_read(self) -> int:
        """Rows seen in this batch: good plus rejected."""
        return self.good.num_rows + len(self.rejected)


def read_batches(
    kind: Kind | str,
    path: Path | str,
    *,
    fmt: str | None = None,
    batch_rows: int = 1_000_000,
) -> Iterator[Batch]:
    """Stream ``path`` as validated batches of at most ``batch_rows`` rows.

    The file is opened and its header checked at once, so a file that cannot be read at
    all (missing, unknown format, a required column absent) raises :class:`BadInputError`
    here, before any batch; bad rows never raise, they are reported in the batches.
    Memory stays bounded by ``batch_rows`` whatever the file's size.
    """
    try:
        kind = Kind(kind)
    except ValueError:
        raise BadInputError(f"unknown kind {kind!r}: use one of {', '.join(Kind)}") from None
    if batch_rows < 1:
        raise ValueError("batch_rows must be positive")
    path = Path(path)
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    file_format = detect_format(path, fmt)
    spec, source = _open(kind, path, file_format, batch_rows)
    try:
        _check_columns(spec, source, path)
        validator = Validator(spec)
    except BaseException:
        source.close()
        raise
    return _batches(source, validator)


def _open(kind: Kind, path: Path, ff: FileFormat, batch_rows: int) -> tuple[KindSpec, Source]:
    if ff.name == "datamoat":
        if kind is not Kind.ACCESS:
            raise BadInputError(f"--format datamoat holds access logs, not {kind}")
        return DATAMOAT_SPEC, JsonLinesSource(path, ff.gzip, DATAMOAT_KEYS, batch_rows)
    spec = SPECS[kind]
    wanted = [c.name for c in spec.columns]
    if ff.name == "csv":
        return spec, CsvSource(path, ff.gzip, wanted, batch_rows)
    if ff.name == "jsonl":
        return spec, JsonLinesSource(path, ff.gzip, {name: name for name in wanted}, batch_rows)
    return spec, ParquetSource(path, wanted, batch_rows)


def _check_columns(spec: KindSpec, source: Source, path: Path) -> None:
    if isinstance(source, CsvSource) and not source.header:
        return  # an empty file: nothing to read, nothing wrong
    missing = [name for name in spec.required if name not in source.columns]
    if missing:
        raise BadInputError(f"{path.name}: missing required column(s) {', '.join(missing)} for {spec.kind}")
    for group in spec.any_of:
        if not any(name in source.columns for name in group):
            raise BadInputError(f"{path.name}: {spec.kind} need a column {' or '.join(group)}")


T = TypeVar("T")


def _prefetch(chunks: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Decode the next chunk on a second thread while this one is validated (pyarrow's
    readers release the GIL). Errors surface in order; leaving early stops the reader."""
    q: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in chunks:
                if stop.is_set():
                    return
                q.put(("item", item))
            q.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(("error", exc))

    worker = threading.Thread(target=run, name="ordermoat-read", daemon=True)
    worker.start()
    try:
        while True:
            tag, value = q.get()
            if tag == "end":
                return
            if tag == "error":
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a reader waiting on a full queue
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()


def _batches(source: Source, validator: Validator) -> Iterator[Batch]:
    duck = Duck()
    try:
        for chunk in _prefetch(source.chunks()):
            raw = duck.run_sql(source.source_sql, chunk.table) if source.source_sql else chunk.table
            result = validator.run(duck, raw)
            bad = chunk.rejected + [(line, why, chunk.raw_text(line)) for line, why in result.rejected]
            if result.good.num_rows == 0 and not bad:
                continue
            bad.sort(key=lambda row: row[0])
            yield Batch(
                result.good,
                [RejectedRow(line, why) for line, why, _ in bad],
                [raw for _, _, raw in bad],
            )
    finally:
        duck.close()
        source.close()

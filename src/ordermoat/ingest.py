"""Loading one contract file into the workspace: validated, idempotent, all or nothing.

Rows stream from the formats layer in bounded batches. Store kinds (actors, orders,
reports) go into one database transaction with insert-or-ignore on their key; lake kinds
(access, logins) are staged as Parquet and published with one rename, after dropping
events whose ``event_id`` the lake already holds. A file already ingested (same kind,
same SHA-256) adds nothing. Bad rows go to the rejects folder with their line numbers;
``strict`` loads nothing when any row is bad.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ordermoat._exceptions import BadInputError
from ordermoat.domain import LAKE_KINDS, IngestResult, Kind, RejectedRow
from ordermoat.formats import Batch, read_batches, schema_for
from ordermoat.lake import BatchWriter
from ordermoat.store import TABLE_OF_KIND, Store

__all__ = ["ingest_file", "Progress", "file_sha256"]

#: ``progress(stage, done, total)``; ``total`` is ``None`` when unknown.
Progress = Callable[[str, int, int | None], None]
_SAMPLE = 20


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


class _Rejects:
    """Collects bad rows: a sample for the user, every row in the rejects file."""

    def __init__(self, folder: Path, kind: str, source: Path) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.path = folder / f"{kind}-{stamp}-{source.name}.rejects.csv"
        self.folder = folder
        self.count = 0
        self.sample: list[RejectedRow] = []
        self._file = None
        self._writer: csv.writer | None = None  # type: ignore[valid-type]

    def add(self, batch: Batch) -> None:
        if not batch.rejected:
            return
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", newline="", encoding="utf-8")  # type: ignore[assignment]
            self._writer = csv.writer(self._file)  # type: ignore[arg-type]
            self._writer.writerow(["line", "reason", "raw"])
        for row, raw in zip(batch.rejected, batch.rejected_raw, strict=True):
            self._writer.writerow([row.line, row.reason, raw])
        self.count += len(batch.rejected)
        self.sample.extend(batch.rejected[: _SAMPLE - len(self.sample)])

    def close(self) -> str | None:
        if self._file is not None:
            self._file.close()
            return str(self.path)
        return None


def ingest_file(
    store: Store,
    lake_root: Path,
    rejects_dir: Path,
    kind: str,
    path: Path,
    *,
    fmt: str | None = None,
    strict: bool = False,
    batch_rows: int = 1_000_000,
    progress: Progress | None = None,
) -> IngestResult:
    """Load ``path`` as ``kind``; see the module docstring for the guarantees."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise BadInputError(f"unknown kind {kind!r}: use one of {', '.join(k.value for k in Kind)}") from None
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    result = IngestResult(kind=kind.value, file=str(path))
    sha = file_sha256(path)
    if store.file_seen(kind.value, sha):
        result.already_ingested = True
        return result
    rejects = _Rejects(rejects_dir, kind.value, path)

    def batches():  # type: ignore[no-untyped-def]
        for batch in read_batches(kind, path, fmt=fmt, batch_rows=batch_rows):
            result.rows_read += batch.rows_read
            rejects.add(batch)
            if progress:
                progress("ingest", result.rows_read, None)
            yield batch

    try:
        if kind in LAKE_KINDS:
            with BatchWriter(lake_root, kind.value, schema_for(kind)) as writer:
                for batch in batches():
                    writer.write(batch.good)
                _check_strict(strict, rejects, path)
                result.rows_loaded = writer.commit()
                staged = writer.rows_written
            with store.transaction() as conn:
                store.record_file(conn, kind.value, sha, str(path), result.rows_loaded, rejects.count)
        else:
            table = TABLE_OF_KIND[kind.value]
            staged = 0
            with store.transaction() as conn:
                for batch in batches():
                    staged += batch.good.num_rows
                    result.rows_loaded += store.insert_ignore(conn, table, batch.good)
                _check_strict(strict, rejects, path)
                store.record_file(conn, kind.value, sha, str(path), result.rows_loaded, rejects.count)
    finally:
        result.rejects_file = rejects.close()
    result.rows_rejected = rejects.count
    result.rejected_sample = rejects.sample
    result.duplicates = staged - result.rows_loaded
    return result


def _check_strict(strict: bool, rejects: _Rejects, path: Path) -> None:
    if strict and rejects.count:
        first = rejects.sample[0]
        raise BadInputError(
            f"{path}: {rejects.count} bad row(s), nothing loaded (--strict); first at line {first.line}: {first.reason}"
        )

"""Which reader a file needs: its format (from ``--format`` or the extension) and gzip."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ordermoat._exceptions import BadInputError

__all__ = ["FORMATS", "FileFormat", "detect_format"]

#: The formats a reader exists for; ``datamoat`` is a JSON Lines dialect of access logs.
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "datamoat")

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How to read a file: ``name`` is one of :data:`FORMATS`; ``gzip`` if compressed."""

    name: str
    gzip: bool = False


def detect_format(path: Path | str, fmt: str | None = None) -> FileFormat:
    """The format of ``path``: ``fmt`` when given, else from the extension.

    Gzip is recognised by a ``.gz`` suffix (or, for an existing file, its magic bytes).

    >>> detect_format("orders.csv.gz")
    FileFormat(name='csv', gzip=True)
    >>> detect_format("log.txt", "datamoat")
    FileFormat(name='datamoat', gzip=False)
    """
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    if not gz and path.is_file():
        with path.open("rb") as fh:
            gz = fh.read(2) == _GZIP_MAGIC
    if fmt is not None:
        name = fmt.strip().lower()
        if name == "ndjson":
            name = "jsonl"
        if name not in FORMATS:
            raise BadInputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    else:
        ext = suffixes[-1] if suffixes else ""
        if ext not in _EXTENSIONS:
            raise BadInputError(
                f"{path.name}: cannot tell the format from the extension "
                f"(.csv, .jsonl, .ndjson, .parquet, optionally .gz); give --format"
            )
        name = _EXTENSIONS[ext]
    if gz and name == "parquet":
        raise BadInputError(f"{path.name}: gzip-compressed Parquet is not supported")
    return FileFormat(name, gz)

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ordermoat._exceptions import BadInputError
from ordermoat.formats import FileFormat, detect_format


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("a.csv", None, FileFormat("csv")),
        ("a.CSV", None, FileFormat("csv")),
        ("a.jsonl", None, FileFormat("jsonl")),
        ("a.ndjson", None, FileFormat("jsonl")),
        ("a.parquet", None, FileFormat("parquet")),
        ("a.csv.gz", None, FileFormat("csv", gzip=True)),
        ("a.jsonl.gz", None, FileFormat("jsonl", gzip=True)),
        ("a.log", "datamoat", FileFormat("datamoat")),
        ("a.log.gz", "datamoat", FileFormat("datamoat", gzip=True)),
        ("a.txt", "CSV", FileFormat("csv")),
        ("a.csv", "jsonl", FileFormat("jsonl")),
    ],
)
def test_detect_format(name: str, fmt: str | None, expected: FileFormat) -> None:
    assert detect_format(Path(name), fmt) == expected


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.txt", None), ("a", None), ("a.csv", "xml"), ("a.parquet.gz", None)]
)
def test_detect_format_refuses(name: str, fmt: str | None) -> None:
    with pytest.raises(BadInputError):
        detect_format(Path(name), fmt)


def test_gzip_sniffed_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(gzip.compress(b"x\n"))
    assert detect_format(path) == FileFormat("csv", gzip=True)

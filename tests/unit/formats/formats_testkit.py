"""Test helpers for the formats tests: write the same rows as CSV, JSON Lines or Parquet, and read a file back whole."""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ordermoat.domain import RejectedRow
from ordermoat.formats import read_batches, schema_for

Row = dict[str, Any]


def _header(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def csv_text(rows: list[Row]) -> str:
    """Rows as CSV text; list values ``;``-joined, dicts as JSON, None as empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_header(rows), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def jsonl_text(rows: list[Row]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write(tmp_path: Path, name: str, rows: list[Row], fmt: str) -> Path:
    """``rows`` written as ``fmt`` (csv, csv.gz, jsonl, jsonl.gz, parquet) to ``name.fmt``."""
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
        return path
    text = csv_text(rows) if fmt.startswith("csv") else jsonl_text(rows)
    if fmt.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Result:
    good: pa.Table
    rejected: list[RejectedRow]
    raw: list[str]
    rows_read: int
    batches: int

    @property
    def reasons(self) -> dict[int, str]:
        return {r.line: r.reason for r in self.rejected}


def read_all(kind: str, path: Path, **kw: Any) -> Result:
    batches = list(read_batches(kind, path, **kw))
    for b in batches:
        assert b.good.schema == schema_for(kind)
        assert len(b.rejected) == len(b.rejected_raw)
    good = pa.concat_tables([b.good for b in batches]) if batches else schema_for(kind).empty_table()
    return Result(
        good,
        [r for b in batches for r in b.rejected],
        [raw for b in batches for raw in b.rejected_raw],
        sum(b.rows_read for b in batches),
        len(batches),
    )

"""Whole files: formats agree, structure errors, line numbers, batching, header checks."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from formats_testkit import Result, Row, read_all, write

from ordermoat._exceptions import BadInputError
from ordermoat.formats import read_batches

ACCESS: list[Row] = [
    {
        "ts": "2024-05-28 14:03:27",
        "actor_id": "a1",
        "order_ids": ["o1", "o2"],
        "operation": "view",
        "fields": ["buyer_name", "buyer_phone"],
        "ip": "10.0.0.1",
        "url": "/t?id=1",
    },
    {
        "ts": "2024-05-28T06:03:28Z",
        "actor_id": "a2",
        "order_ids": ["o3"],
        "operation": "export",
        "fields": None,
        "ip": None,
        "url": None,
    },
    {
        "ts": "2024-05-28 14:03:29.250",
        "actor_id": "a1",
        "order_ids": ["o1"],
        "operation": "bogus",
        "fields": None,
        "ip": None,
        "url": None,
    },
    {
        "ts": "2024-05-28T14:03:30+08:00",
        "actor_id": "",
        "order_ids": ["o4"],
        "operation": "print",
        "fields": None,
        "ip": None,
        "url": None,
    },
    {
        "ts": "2024-05-28 14:03:31",
        "actor_id": "a3",
        "order_ids": ["o5"],
        "operation": "api_pull",
        "fields": ["amount"],
        "ip": "10.0.0.2",
        "url": None,
    },
]


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"])
def test_formats_give_identical_tables(tmp_path: Path, fmt: str) -> None:
    reference = read_all("access", write(tmp_path, "ref", ACCESS, "csv"))
    result = read_all("access", write(tmp_path, "access", ACCESS, fmt))
    assert result.good.equals(reference.good)
    assert result.good.num_rows == 3
    offset = 0 if fmt.startswith("csv") else 1  # CSV lines count the header
    assert result.reasons == {
        4 - offset: "operation: not one of view, list, search, print, export, decrypt, api_pull",
        5 - offset: "actor_id: missing",
    }
    assert result.good.column("ts").to_pylist() == [
        datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC),
        datetime(2024, 5, 28, 6, 3, 28, tzinfo=UTC),
        datetime(2024, 5, 28, 6, 3, 31, tzinfo=UTC),
    ]
    assert result.good.column("field_mask").to_pylist() == [3, 63, 16]


def test_parquet_native_types(tmp_path: Path) -> None:
    table = pa.table(
        {
            "order_id": ["o1", "o2"],
            "shop_id": ["s", "s"],
            "buyer_id": ["b", "b"],
            "buyer_name": ["n", "n"],
            "buyer_phone": [13812345678, 13812345679],
            "address": ["a", "a"],
            "item_title": ["i", "i"],
            "amount": pa.array([Decimal("1.50"), Decimal("-2")], pa.decimal128(10, 2)),
            "created_at": pa.array(
                [datetime(2024, 5, 28, 14, 3, 27)] * 2, pa.timestamp("ms")
            ),  # naive: +08:00
            "paid_at": pa.array([datetime(2024, 5, 28, 6, 4, tzinfo=UTC)] * 2, pa.timestamp("us", "UTC")),
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path)
    result = read_all("orders", path)
    assert result.reasons == {2: "amount: negative amount"}
    row = result.good.to_pylist()[0]
    assert row["buyer_phone"] == "13812345678"
    assert row["amount"] == Decimal("1.50")
    assert row["created_at"] == datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)
    assert row["paid_at"] == datetime(2024, 5, 28, 6, 4, tzinfo=UTC)


def test_parquet_rejected_raw_is_the_row_as_json(tmp_path: Path) -> None:
    result = read_all("access", write(tmp_path, "a", ACCESS, "parquet"))
    assert '"operation": "bogus"' in result.raw[0]


@pytest.mark.parametrize(
    ("ts", "utc"),
    [
        ("2024-05-28 14:03:27", datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)),
        ("2024-05-28T14:03:27", datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)),
        ("2024-05-28T14:03:27.5", datetime(2024, 5, 28, 6, 3, 27, 500000, tzinfo=UTC)),
        ("2024-05-28 14:03:27+08:00", datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)),
        ("2024-05-28T14:03:27Z", datetime(2024, 5, 28, 14, 3, 27, tzinfo=UTC)),
        ("2024-05-28T14:03:27.123-05:00", datetime(2024, 5, 28, 19, 3, 27, 123000, tzinfo=UTC)),
        ("2024-05-28T00:30:00+0000", datetime(2024, 5, 28, 0, 30, tzinfo=UTC)),
        (" 2024-05-28 14:03:27 ", datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)),
        ("2024-05-28", datetime(2024, 5, 27, 16, tzinfo=UTC)),
        ("2024-02-29 08:00:00", datetime(2024, 2, 29, 0, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize("mixed", [False, True])
def test_timestamps(read_rows: Callable[..., Result], ts: str, utc: datetime, mixed: bool) -> None:
    rows = [{"ts": ts, "account_id": "u", "account_kind": "staff", "ip": "1.1.1.1", "success": "1"}]
    if mixed:  # a file mixing styles takes the slower paths
        rows.append({**rows[0], "ts": "2024-01-01T00:00:00Z"})
    result = read_rows("logins", rows)
    assert result.rejected == []
    assert result.good.column("ts")[0].as_py() == utc


@pytest.mark.parametrize(
    "ts", ["2023-02-29 00:00:00", "2024-04-31T10:00:00", "2024-05-28 25:00:00", "infinity", "1716876207"]
)
def test_bad_timestamps(read_rows: Callable[..., Result], ts: str) -> None:
    rows = [{"ts": ts, "account_id": "u", "account_kind": "staff", "ip": "1.1.1.1", "success": "1"}]
    assert read_rows("logins", rows).reasons == {2: "ts: not an ISO-8601 timestamp"}


CSV_MESSY = (
    "\ufeffts,actor_id,order_ids,operation,unknown_extra\r\n"  # BOM, CRLF, an extra column
    "2024-05-28 14:03:27,a1,o1;o2,view,x\r\n"  # line 2 ok
    "\r\n"  # line 3 blank: skipped, not an error
    "2024-05-28 14:03:27,a1,o1\r\n"  # line 4 too few columns
    "2024-05-28 14:03:27,a1,o1,view,x,y\r\n"  # line 5 too many columns
    '"2024-05-28 14:03:28","a,2","o1;o3",list,\r\n'  # line 6 ok, quoted comma
    "2024-05-28 14:03:29,a3,,view,x\r\n"  # line 7 no order ids
    "2024-05-28 14:03:30,a4,o9,search,x"  # line 8 ok, no final newline
)


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 1000])
@pytest.mark.parametrize("gz", [False, True])
def test_csv_structure_and_line_numbers(tmp_path: Path, batch_rows: int, gz: bool) -> None:
    path = tmp_path / ("a.csv.gz" if gz else "a.csv")
    data = CSV_MESSY.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    result = read_all("access", path, batch_rows=batch_rows)
    assert result.reasons == {
        4: "expected 5 columns, got 3",
        5: "expected 5 columns, got 6",
        7: "order_ids: missing",
    }
    assert result.raw == [
        "2024-05-28 14:03:27,a1,o1",
        "2024-05-28 14:03:27,a1,o1,view,x,y",
        "2024-05-28 14:03:29,a3,,view,x",
    ]
    assert result.good.column("actor_id").to_pylist() == ["a1", "a,2", "a4"]
    assert result.rows_read == 6
    lines = [r.line for r in result.rejected]
    assert lines == sorted(lines)


def test_batches_keep_line_numbers_across_boundaries(tmp_path: Path) -> None:
    rows = [
        {
            "ts": "2024-05-28 14:03:27",
            "actor_id": f"a{i}",
            "order_ids": ["o"],
            "operation": "view" if i % 7 else "nope",
        }
        for i in range(100)
    ]
    path = write(tmp_path, "a", rows, "csv")
    batches = list(read_batches("access", path, batch_rows=8))
    assert len(batches) == 13
    assert all(b.good.num_rows <= 8 for b in batches)
    rejected = [r.line for b in batches for r in b.rejected]
    assert rejected == [i + 2 for i in range(100) if i % 7 == 0]
    assert sum(b.rows_read for b in batches) == 100
    jl = list(read_batches("access", write(tmp_path, "a", rows, "jsonl"), batch_rows=8))
    assert [r.line for b in jl for r in b.rejected] == [i + 1 for i in range(100) if i % 7 == 0]


def test_jsonl_structure(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"ts": "2024-05-28 14:03:27", "actor_id": "a1", "order_ids": ["o1"], "operation": "view", "x": {"y": 1}}\n'
        "\n"
        '{"ts": "2024-05-28 14:03:27", "actor_id": "a1", "order_ids": ["o1"]\n'
        "[1, 2]\n"
        "   \n"
        '{"ts": "2024-05-28 14:03:27", "actor_id": 42, "order_ids": "o1;o2", "operation": "VIEW"}\n'
        '{"ts": "2024-05-28 14:03:27", "actor_id": null, "order_ids": ["o1"], "operation": "view"}\n',
        encoding="utf-8",
    )
    result = read_all("access", path)
    assert result.reasons == {3: "malformed JSON", 4: "not a JSON object", 7: "actor_id: missing"}
    assert result.raw[1] == "[1, 2]"
    assert result.good.column("actor_id").to_pylist() == ["a1", "42"]
    assert result.good.column("order_ids").to_pylist() == [["o1"], ["o1", "o2"]]


def test_invalid_utf8_does_not_stop_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"actor_id,party_id,party_kind,role\na1,p,isv,app\na2,p\xff,isv,app\n")
    result = read_all("actors", path)
    assert result.good.column("party_id").to_pylist() == ["p", "p\ufffd"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_missing_required_column(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, "a", [{"ts": "2024-05-28 14:03:27", "actor_id": "a1", "operation": "view"}], fmt)
    with pytest.raises(BadInputError, match="missing required column.*order_ids"):
        read_batches("access", path)


def test_reports_need_order_id_or_phone_column(tmp_path: Path) -> None:
    path = write(tmp_path, "r", [{"report_id": "r1", "reported_at": "2024-05-28 14:03:27"}], "csv")
    with pytest.raises(BadInputError, match="order_id or buyer_phone"):
        read_batches("reports", path)


@pytest.mark.parametrize(
    ("name", "kind", "fmt", "match"),
    [
        ("nope.csv", "actors", None, "no such file"),
        ("a.txt", "actors", None, "format"),
        ("a.csv", "actors", "datamoat", "datamoat"),
        ("a.csv", "bogus", None, "unknown kind"),
        ("a.parquet", "actors", None, "Parquet"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, kind: str, fmt: str | None, match: str) -> None:
    for existing in ("a.txt", "a.csv", "a.parquet"):
        (tmp_path / existing).write_text("actor_id,party_id,party_kind,role\n")
    with pytest.raises(BadInputError, match=match):
        read_batches(kind, tmp_path / name, fmt=fmt)


def test_empty_files_give_no_batches(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("")
    (tmp_path / "h.csv").write_text("actor_id,party_id,party_kind,role\n")
    (tmp_path / "e.jsonl").write_text("\n")
    for name in ("e.csv", "h.csv", "e.jsonl"):
        assert list(read_batches("actors", tmp_path / name)) == []

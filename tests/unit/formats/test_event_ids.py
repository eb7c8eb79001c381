"""Derived event ids: content hashes, identical across formats and runs, given ids kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_testkit import Row, read_all, write

ROW: Row = {"ts": "2024-05-28 14:03:27", "actor_id": "a1", "order_ids": ["o1", "o2"], "operation": "view"}


def _ids(tmp_path: Path, rows: list[Row], fmt: str = "csv", kind: str = "access") -> list[str]:
    return (
        read_all(kind, write(tmp_path, f"f{len(rows)}{fmt}", rows, fmt)).good.column("event_id").to_pylist()
    )


def test_same_content_same_id_across_formats_and_files(tmp_path: Path) -> None:
    equivalent = {**ROW, "ts": "2024-05-28T06:03:27Z", "operation": "VIEW", "actor_id": " a1 "}
    ids = _ids(tmp_path, [ROW, equivalent])
    assert ids[0] == ids[1]
    assert len(ids[0]) == 32 and int(ids[0], 16) >= 0
    for fmt in ("jsonl", "parquet", "csv.gz"):
        assert _ids(tmp_path, [ROW], fmt) == ids[:1]


@pytest.mark.parametrize(
    "change",
    [
        {"ts": "2024-05-28 14:03:28"},
        {"actor_id": "a2"},
        {"order_ids": ["o1"]},
        {"order_ids": ["o2", "o1"]},
        {"operation": "export"},
        {"fields": ["buyer_name"]},
        {"ip": "1.2.3.4"},
        {"device_id": "d"},
        {"app_id": "app"},
        {"url": "/x"},
    ],
)
def test_any_content_change_changes_the_id(tmp_path: Path, change: Row) -> None:
    ids = _ids(tmp_path, [ROW, {**ROW, **change}])
    assert ids[0] != ids[1]


def test_null_columns_do_not_shift_into_each_other(tmp_path: Path) -> None:
    ids = _ids(tmp_path, [{**ROW, "ip": "x", "device_id": None}, {**ROW, "ip": None, "device_id": "x"}])
    assert ids[0] != ids[1]


def test_given_ids_are_kept_and_blank_ones_derived(tmp_path: Path) -> None:
    ids = _ids(tmp_path, [{**ROW, "event_id": "e1"}, {**ROW, "event_id": ""}])
    assert ids[0] == "e1"
    assert ids[1] == _ids(tmp_path, [ROW])[0]


def test_login_ids(tmp_path: Path) -> None:
    row = {
        "ts": "2024-05-28 14:03:27",
        "account_id": "u1",
        "account_kind": "buyer",
        "ip": "1.1.1.1",
        "success": "yes",
    }
    ids = _ids(tmp_path, [row, {**row, "success": "true"}, {**row, "success": "no"}], kind="logins")
    assert ids[0] == ids[1] != ids[2]

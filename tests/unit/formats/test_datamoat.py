"""``--format datamoat``: ISV order-access logs mapped onto access rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from formats_testkit import read_all, write

RECORDS = [
    {
        "userId": "isv-user-1",
        "userIp": "10.1.1.1",
        "ati": "ati-9",
        "appId": "12345",
        "appName": "ERP",
        "url": "/trade/detail",
        "tradeIds": "t1,t2",
        "operation": "query",
        "time": 1716876207000,
    },
    {"userId": "isv-user-1", "tradeIds": ["t3"], "operation": "EXPORT", "time": "1716876208500"},
    {"userId": "isv-user-2", "tradeIds": [101, 102], "operation": "api-pull", "time": "2024-05-28 14:03:29"},
    {"userId": "isv-user-2", "tradeIds": "t4", "operation": "delete", "time": 1716876207000},
    {"userId": "isv-user-2", "tradeIds": "", "operation": "view", "time": 1716876207000},
    {"userId": "isv-user-2", "tradeIds": "t5", "operation": "view", "time": "soon"},
]


def test_datamoat_mapping(tmp_path: Path) -> None:
    path = tmp_path / "moat.log"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    result = read_all("access", path, fmt="datamoat")
    assert result.reasons == {
        4: "operation: not one of view, list, search, print, export, decrypt, api_pull",
        5: "order_ids: missing",
        6: "ts: not epoch milliseconds or an ISO-8601 timestamp",
    }
    rows = result.good.to_pylist()
    first = rows[0]
    assert first["actor_id"] == "isv-user-1"
    assert first["ip"] == "10.1.1.1"
    assert first["device_id"] == "ati-9"
    assert first["app_id"] == "12345"
    assert first["url"] == "/trade/detail"
    assert first["order_ids"] == ["t1", "t2"]
    assert first["operation"] == "view"
    assert first["field_mask"] == 63
    assert first["ts"] == datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)
    assert rows[1]["operation"] == "export"
    assert rows[1]["ts"] == datetime(2024, 5, 28, 6, 3, 28, 500000, tzinfo=UTC)
    assert rows[2]["order_ids"] == ["101", "102"]
    assert rows[2]["operation"] == "api_pull"
    assert rows[2]["ts"] == datetime(2024, 5, 28, 6, 3, 29, tzinfo=UTC)
    assert all(len(r["event_id"]) == 32 for r in rows)


def test_datamoat_ids_match_the_same_access_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "moat.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n")
    moat = read_all("access", path, fmt="datamoat").good
    csv_row = {
        "ts": "2024-05-28 14:03:27",
        "actor_id": "isv-user-1",
        "order_ids": ["t1", "t2"],
        "operation": "view",
        "ip": "10.1.1.1",
        "device_id": "ati-9",
        "app_id": "12345",
        "url": "/trade/detail",
    }
    assert read_all("access", write(tmp_path, "a", [csv_row], "csv")).good.equals(moat)

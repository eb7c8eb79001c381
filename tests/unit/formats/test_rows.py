"""Per kind: which rows are accepted, how they are normalized, and why others are not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from formats_testkit import Result, Row

BASE: dict[str, Row] = {
    "actors": {"actor_id": "a1", "party_id": "shop-1", "party_kind": "merchant", "role": "cs_agent"},
    "orders": {
        "order_id": "o1",
        "shop_id": "shop-1",
        "buyer_id": "b1",
        "buyer_name": "张三",
        "buyer_phone": "13812345678",
        "address": "上海市浦东新区",
        "item_title": "资生堂防晒霜",
        "amount": "99.50",
        "created_at": "2024-05-28 14:03:27",
    },
    "access": {"ts": "2024-05-28 14:03:27", "actor_id": "a1", "order_ids": ["o1", "o2"], "operation": "view"},
    "logins": {
        "ts": "2024-05-28 14:03:27",
        "account_id": "u1",
        "account_kind": "buyer",
        "ip": "1.2.3.4",
        "success": "true",
    },
    "reports": {"report_id": "r1", "reported_at": "2024-06-01 10:00:00", "order_id": "o1"},
}

# (kind, changes to the base row (None value = column left empty), reason or None, expected values)
CASES: list[tuple[str, Row, str | None, Row]] = [
    ("actors", {}, None, {"party_kind": "merchant", "display_name": None}),
    ("actors", {"party_kind": " ISV "}, None, {"party_kind": "isv"}),
    ("actors", {"party_kind": "bank"}, "party_kind: not one of platform, merchant, isv, logistics", {}),
    ("actors", {"actor_id": None}, "actor_id: missing", {}),
    ("actors", {"role": "  "}, "role: missing", {}),
    ("actors", {"display_name": "王五", "extra_col": "x"}, None, {"display_name": "王五"}),
    ("orders", {}, None, {"buyer_phone": "13812345678", "amount": Decimal("99.50")}),
    ("orders", {"buyer_phone": "+86 138-1234-5678"}, None, {"buyer_phone": "13812345678"}),
    ("orders", {"buyer_phone": "8613812345678"}, None, {"buyer_phone": "13812345678"}),
    ("orders", {"buyer_phone": "12812345678"}, "buyer_phone: not an 11-digit mainland mobile number", {}),
    ("orders", {"buyer_phone": "1381234567"}, "buyer_phone: not an 11-digit mainland mobile number", {}),
    ("orders", {"buyer_phone": None}, "buyer_phone: missing", {}),
    ("orders", {"amount": "-1"}, "amount: negative amount", {}),
    ("orders", {"amount": "12,5"}, "amount: not a decimal number", {}),
    ("orders", {"amount": "12.345"}, None, {"amount": Decimal("12.35")}),
    ("orders", {"amount": "7"}, None, {"amount": Decimal("7.00")}),
    ("orders", {"created_at": "yesterday"}, "created_at: not an ISO-8601 timestamp", {}),
    ("orders", {"created_at": None}, "created_at: missing", {}),
    ("orders", {"paid_at": "2024-02-30 10:00:00"}, "paid_at: not an ISO-8601 timestamp", {}),
    (
        "orders",
        {"paid_at": "2024-05-28T14:05:00+08:00", "shipped_at": None},
        None,
        {"paid_at": datetime(2024, 5, 28, 6, 5, tzinfo=UTC), "shipped_at": None},
    ),
    ("access", {}, None, {"order_ids": ["o1", "o2"], "field_mask": 63, "operation": "view"}),
    ("access", {"operation": "EXPORT"}, None, {"operation": "export"}),
    (
        "access",
        {"operation": "delete"},
        "operation: not one of view, list, search, print, export, decrypt, api_pull",
        {},
    ),
    ("access", {"order_ids": []}, "order_ids: missing", {}),
    ("access", {"order_ids": [" o1 ", "", "o3"]}, None, {"order_ids": ["o1", "o3"]}),
    ("access", {"fields": ["buyer_phone", "address"]}, None, {"field_mask": 6}),
    ("access", {"fields": ["buyer_name", "buyer_name"]}, None, {"field_mask": 1}),
    ("access", {"fields": []}, None, {"field_mask": 63}),
    ("access", {"fields": ["buyer_name", "password"]}, "fields: unknown field name", {}),
    ("access", {"fields": ["order_id"]}, "fields: unknown field name", {}),
    ("access", {"ts": "28/05/2024 14:03"}, "ts: not an ISO-8601 timestamp", {}),
    ("access", {"event_id": "e-77"}, None, {"event_id": "e-77"}),
    ("access", {"ip": "10.0.0.1", "url": "/trade?id=1"}, None, {"ip": "10.0.0.1", "url": "/trade?id=1"}),
    ("logins", {"success": "YES"}, None, {"success": True}),
    ("logins", {"success": "0"}, None, {"success": False}),
    ("logins", {"success": "False"}, None, {"success": False}),
    ("logins", {"success": "maybe"}, "success: not true/false", {}),
    ("logins", {"success": None}, "success: missing", {}),
    ("logins", {"account_kind": "robot"}, "account_kind: not one of buyer, staff", {}),
    ("logins", {"ip": None}, "ip: missing", {}),
    ("logins", {"device_id": "d1", "user_agent": "Mozilla/5.0"}, None, {"device_id": "d1"}),
    ("reports", {}, None, {"contacted_at": datetime(2024, 6, 1, 2, tzinfo=UTC), "buyer_phone": None}),
    (
        "reports",
        {"contacted_at": "2024-05-30 09:00:00"},
        None,
        {"contacted_at": datetime(2024, 5, 30, 1, tzinfo=UTC)},
    ),
    ("reports", {"order_id": None}, "order_id or buyer_phone: one is required", {}),
    ("reports", {"order_id": None, "buyer_phone": "139 0000 1111"}, None, {"buyer_phone": "13900001111"}),
    ("reports", {"buyer_phone": "123456"}, "buyer_phone: not an 11-digit mainland mobile number", {}),
    ("reports", {"reported_at": None}, "reported_at: missing", {}),
    ("reports", {"channel": "Hotline"}, None, {"channel": "hotline"}),
    ("reports", {"channel": "email"}, "channel: not one of app, hotline, police, web", {}),
    (
        "reports",
        {"known_fields": ["order_id", "buyer_phone"]},
        None,
        {"known_fields": ["order_id", "buyer_phone"]},
    ),
    ("reports", {"known_fields": ["password"]}, "known_fields: unknown field name", {}),
    (
        "reports",
        {"recited": {"item_title": "资生堂防晒霜", "amount": 99.5}},
        None,
        {"recited": '{"item_title":"资生堂防晒霜","amount":99.5}'},
    ),
    ("reports", {"recited": "not json"}, "recited: not a JSON object", {}),
    ("reports", {"recited": "[1, 2]"}, "recited: not a JSON object", {}),
    ("reports", {"loan_platforms": ["借呗", "微粒贷"]}, None, {"loan_platforms": ["借呗", "微粒贷"]}),
    ("reports", {"loss_amount": "-5"}, "loss_amount: negative amount", {}),
    ("reports", {"loss_amount": "5000"}, None, {"loss_amount": Decimal("5000.00")}),
]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize(("kind", "changes", "reason", "expected"), CASES)
def test_row(
    read_rows: Callable[..., Result], fmt: str, kind: str, changes: Row, reason: str | None, expected: Row
) -> None:
    row = {**BASE[kind], **changes}
    result = read_rows(kind, [BASE[kind], row], fmt)
    line = 3 if fmt == "csv" else 2  # the CSV header is line 1
    assert result.rows_read == 2
    if reason is None:
        assert result.rejected == []
        got: dict[str, Any] = result.good.slice(1).to_pylist()[0]
        for column, value in expected.items():
            assert got[column] == value, column
    else:
        assert result.good.num_rows == 1
        assert result.reasons == {line: reason}
        assert len(result.raw) == 1 and result.raw[0]
        for value in changes.values():  # reasons never quote the data
            if isinstance(value, str) and len(value) > 3:
                assert value not in result.rejected[0].reason


def test_required_values_checked_in_order(read_rows: Callable[..., Result]) -> None:
    row = {**BASE["orders"], "order_id": "", "amount": "x"}
    assert read_rows("orders", [row]).reasons == {2: "order_id: missing"}

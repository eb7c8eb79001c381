"""The normalized Arrow schema of each input kind after validation.

Readers turn whatever the user gave (CSV, JSON Lines, Parquet, DataMoat logs) into batches
of exactly these schemas; the store and the lake take nothing else. Timestamps are UTC
(an input without an offset is China Standard Time), phones are bare 11-digit numbers,
access ``fields`` become a bit mask (see :mod:`ordermoat.domain.fields`).
"""

from __future__ import annotations

import pyarrow as pa

from ordermoat.domain import Kind

__all__ = ["SCHEMAS", "KEY_COLUMN", "REQUIRED", "schema_for"]

TS = pa.timestamp("us", tz="UTC")
MONEY = pa.decimal128(18, 2)

SCHEMAS: dict[Kind, pa.Schema] = {
    Kind.ACTORS: pa.schema(
        [
            ("actor_id", pa.string()),
            ("party_id", pa.string()),
            ("party_kind", pa.string()),
            ("role", pa.string()),
            ("display_name", pa.string()),
        ]
    ),
    Kind.ORDERS: pa.schema(
        [
            ("order_id", pa.string()),
            ("shop_id", pa.string()),
            ("buyer_id", pa.string()),
            ("buyer_name", pa.string()),
            ("buyer_phone", pa.string()),
            ("address", pa.string()),
            ("item_title", pa.string()),
            ("amount", MONEY),
            ("created_at", TS),
            ("paid_at", TS),
            ("shipped_at", TS),
            ("delivered_at", TS),
            ("carrier_id", pa.string()),
            ("courier_id", pa.string()),
            ("tracking_no", pa.string()),
            ("status", pa.string()),
        ]
    ),
    Kind.ACCESS: pa.schema(
        [
            ("event_id", pa.string()),
            ("ts", TS),
            ("actor_id", pa.string()),
            ("order_ids", pa.list_(pa.string())),
            ("operation", pa.string()),
            ("field_mask", pa.int16()),
            ("ip", pa.string()),
            ("device_id", pa.string()),
            ("app_id", pa.string()),
            ("url", pa.string()),
        ]
    ),
    Kind.LOGINS: pa.schema(
        [
            ("event_id", pa.string()),
            ("ts", TS),
            ("account_id", pa.string()),
            ("account_kind", pa.string()),
            ("ip", pa.string()),
            ("success", pa.bool_()),
            ("device_id", pa.string()),
            ("user_agent", pa.string()),
        ]
    ),
    Kind.REPORTS: pa.schema(
        [
            ("report_id", pa.string()),
            ("reported_at", TS),
            ("order_id", pa.string()),
            ("buyer_phone", pa.string()),
            ("contacted_at", TS),
            ("channel", pa.string()),
            ("caller_number", pa.string()),
            ("known_fields", pa.list_(pa.string())),
            ("recited", pa.string()),  # a JSON object, kept as its text
            ("payee_account", pa.string()),
            ("loan_platforms", pa.list_(pa.string())),
            ("loss_amount", MONEY),
            ("transcript", pa.string()),
        ]
    ),
}

#: The column that identifies a row; re-ingesting a row with a known key adds nothing.
KEY_COLUMN: dict[Kind, str] = {
    Kind.ACTORS: "actor_id",
    Kind.ORDERS: "order_id",
    Kind.ACCESS: "event_id",
    Kind.LOGINS: "event_id",
    Kind.REPORTS: "report_id",
}

#: Columns a row must have (non-empty) to be accepted. ``event_id`` is derived when absent.
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.ACTORS: ("actor_id", "party_id", "party_kind", "role"),
    Kind.ORDERS: (
        "order_id",
        "shop_id",
        "buyer_id",
        "buyer_name",
        "buyer_phone",
        "address",
        "item_title",
        "amount",
        "created_at",
    ),
    Kind.ACCESS: ("ts", "actor_id", "order_ids", "operation"),
    Kind.LOGINS: ("ts", "account_id", "account_kind", "ip", "success"),
    Kind.REPORTS: ("report_id", "reported_at"),
}


def schema_for(kind: Kind | str) -> pa.Schema:
    """The normalized schema of ``kind``."""
    return SCHEMAS[Kind(kind)]

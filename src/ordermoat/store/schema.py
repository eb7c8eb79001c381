"""The operational store's tables (SQLAlchemy Core).

All timestamps are stored as UTC without a zone (SQLite has none); the formats layer has
already converted every input to UTC. Lists and objects are stored as JSON text so that
SQLite and PostgreSQL hold the same thing.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

__all__ = [
    "metadata",
    "actors",
    "orders",
    "reports",
    "ingest_files",
    "alerts",
    "detect_batches",
    "trace_runs",
    "cases",
    "case_exposures",
    "TABLE_OF_KIND",
]

metadata = MetaData()

actors = Table(
    "actors",
    metadata,
    Column("actor_id", String(128), primary_key=True),
    Column("party_id", String(128), nullable=False, index=True),
    Column("party_kind", String(16), nullable=False),
    Column("role", String(64), nullable=False),
    Column("display_name", String(256)),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(128), primary_key=True),
    Column("shop_id", String(128), nullable=False, index=True),
    Column("buyer_id", String(128), nullable=False),
    Column("buyer_name", String(128), nullable=False),
    Column("buyer_phone", String(16), nullable=False),
    Column("address", Text, nullable=False),
    Column("item_title", Text, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("paid_at", DateTime),
    Column("shipped_at", DateTime),
    Column("delivered_at", DateTime),
    Column("carrier_id", String(128)),
    Column("courier_id", String(128)),
    Column("tracking_no", String(128)),
    Column("status", String(32)),
    Index("ix_orders_buyer_phone", "buyer_phone"),
)

reports = Table(
    "reports",
    metadata,
    Column("report_id", String(128), primary_key=True),
    Column("reported_at", DateTime, nullable=False),
    Column("order_id", String(128), index=True),
    Column("buyer_phone", String(16)),
    Column("contacted_at", DateTime, nullable=False),
    Column("channel", String(16)),
    Column("caller_number", String(32)),
    Column("known_fields", Text),  # JSON list
    Column("recited", Text),  # JSON object
    Column("payee_account", String(128)),
    Column("loan_platforms", Text),  # JSON list
    Column("loss_amount", Numeric(18, 2)),
    Column("transcript", Text),
)

ingest_files = Table(
    "ingest_files",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("path", Text, nullable=False),
    Column("rows_loaded", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", String(64), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Column("window_start", DateTime),
    Column("window_end", DateTime),
    Column("reason", Text),
    Column("created_at", DateTime, nullable=False),
)

detect_batches = Table(
    "detect_batches",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("batch_id", String(64), primary_key=True),
    Column("processed_at", DateTime, nullable=False),
)

trace_runs = Table(
    "trace_runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("alpha", Float, nullable=False),
    Column("tests", Integer, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("result", Text, nullable=False),  # the JSON of the run
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("payload", Text, nullable=False),  # the case as in `trace --json`
)

case_exposures = Table(
    "case_exposures",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("order_id", String(128), primary_key=True),
)

TABLE_OF_KIND = {"actors": actors, "orders": orders, "reports": reports}

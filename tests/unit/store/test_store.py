from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata

from ordermoat._exceptions import ConfigError
from ordermoat.formats.schemas import schema_for
from ordermoat.store import Store, metadata, sqlite_url
from ordermoat.store.schema import orders


def _orders(ids: list[str]) -> pa.Table:
    n = len(ids)
    ts = datetime(2024, 5, 28, 6, 3, 27, tzinfo=UTC)
    cols = {f.name: pa.nulls(n, f.type) for f in schema_for("orders")}
    cols.update(
        order_id=pa.array(ids),
        shop_id=pa.array(["s1"] * n),
        buyer_id=pa.array(["b1"] * n),
        buyer_name=pa.array(["张三"] * n),
        buyer_phone=pa.array(["13812345678"] * n),
        address=pa.array(["浙江省杭州市西湖区"] * n),
        item_title=pa.array(["防晒霜"] * n),
        amount=pa.array([Decimal("12.50")] * n, pa.decimal128(18, 2)),
        created_at=pa.array([ts] * n, pa.timestamp("us", tz="UTC")),
    )
    return pa.table(cols, schema=schema_for("orders"))


def test_migrated_schema_matches_metadata(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "s.db"))
    store.migrate()
    store.migrate()  # idempotent
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_insert_ignore_counts_only_new_rows(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "s.db"))
    store.migrate()
    with store.transaction() as conn:
        assert store.insert_ignore(conn, orders, _orders(["o1", "o2"])) == 2
    with store.transaction() as conn:
        assert store.insert_ignore(conn, orders, _orders(["o2", "o3"])) == 1
    rows = store.fetch(orders.select().order_by(orders.c.order_id))
    assert [r["order_id"] for r in rows] == ["o1", "o2", "o3"]
    assert rows[0]["created_at"] == datetime(2024, 5, 28, 6, 3, 27)  # stored as naive UTC
    assert rows[0]["amount"] == Decimal("12.50")


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "s.db"))
    store.migrate()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.insert_ignore(conn, orders, _orders(["o1"]))
        raise RuntimeError("crash mid-ingest")
    assert store.count("orders") == 0


@pytest.mark.parametrize("url", ["mysql://x@y/z", "nonsense"])
def test_unsupported_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        Store(url)


def test_a_store_at_the_first_revision_upgrades_to_head(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from ordermoat.store.database import _MIGRATIONS

    store = Store(sqlite_url(tmp_path / "s.db"))
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    assert "detect_batches" not in store.engine.dialect.get_table_names(store.engine.connect())
    store.migrate()
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []

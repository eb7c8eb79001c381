"""StaleOrderReads: reading orders delivered long ago, in bulk and out of habit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import ibis
import pyarrow as pa
import pytest

from ordermoat.detect import Context
from ordermoat.detect.reads_stale import StaleOrderReads

T0 = datetime(2024, 4, 20, 10, tzinfo=UTC)


def _run(reads: list[tuple[str, datetime, str]], delivered: dict[str, datetime], with_orders: bool = True,
         judge_from: datetime | None = None) -> list[dict]:
    con = ibis.duckdb.connect()
    n = len(reads)
    events = pa.table({
        "event_id": [f"e{i}" for i in range(n)],
        "ts": pa.array([r[1] for r in reads], pa.timestamp("us", tz="UTC")),
        "actor_id": [r[0] for r in reads],
        "order_ids": [[r[2]] for r in reads],
        "operation": ["view"] * n,
        "field_mask": pa.array([63] * n, pa.int16()),
        **{c: pa.array([None] * n, pa.string()) for c in ("ip", "device_id", "app_id", "url")},
    })
    orders = pa.table({"order_id": list(delivered), "delivered_at": pa.array(list(delivered.values()), pa.timestamp("us", tz="UTC"))})
    t = con.create_table("ev", events)
    params = {"orders": con.create_table("od", orders)} if with_orders else {}
    new = t if judge_from is None else t.filter(t.ts >= judge_from)
    expr = StaleOrderReads().detect(new, t, Context(actors=None, params=params))
    return con.to_pyarrow(expr).to_pylist()


def _old(k: int, prefix: str = "old") -> dict[str, datetime]:
    return {f"{prefix}{i}": T0 - timedelta(days=45) for i in range(k)}


def test_bulk_reads_of_long_delivered_orders_fire() -> None:
    delivered = _old(120)
    reads = [("agent", T0 + timedelta(seconds=i), o) for i, o in enumerate(delivered)]
    alerts = _run(reads, delivered)
    assert [a["subject_id"] for a in alerts] == ["agent"] and alerts[0]["score"] > 0.5


@pytest.mark.parametrize(
    "case",
    ["recent_orders", "few_old_orders", "habitual_reader", "no_orders_table"],
)
def test_normal_patterns_stay_quiet(case: str) -> None:
    if case == "recent_orders":  # delivered 3 days ago: after-sales work
        delivered = {f"o{i}": T0 - timedelta(days=3) for i in range(200)}
        reads = [("agent", T0 + timedelta(seconds=i), o) for i, o in enumerate(delivered)]
    elif case == "few_old_orders":  # 20 old orders among 200 recent ones
        delivered = {**_old(20), **{f"o{i}": T0 - timedelta(days=2) for i in range(180)}}
        reads = [("agent", T0 + timedelta(seconds=i), o) for i, o in enumerate(delivered)]
    elif case == "habitual_reader":  # an auditor who reads 100 old orders every day; judge today
        delivered = _old(800)
        names = list(delivered)
        reads = [("auditor", T0 - timedelta(days=7 - d) + timedelta(seconds=i), names[d * 100 + i])
                 for d in range(8) for i in range(100)]
        assert _run(reads, delivered, judge_from=T0) == []
        return
    else:
        delivered = _old(120)
        reads = [("agent", T0 + timedelta(seconds=i), o) for i, o in enumerate(delivered)]
        assert _run(reads, delivered, with_orders=False) == []
        return
    assert _run(reads, delivered) == []

"""The engine side of ``trace``: every aggregation over access events, as Ibis expressions.

Each function runs one query on the lake's engine (DuckDB or Spark) and returns a small
Arrow table; the statistics then work on those counts in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from ibis.expr.types import Table

from ordermoat.domain import ORDER_FIELDS
from ordermoat.lake import Engine

__all__ = ["reads", "report_hits", "read_sizes", "overlaps", "coverage_counts", "orders_read", "distinct_count"]


def reads(engine: Engine) -> Table | None:
    """One row per (event, order read): ``actor_id, ts, operation, field_mask, order_id``."""
    access = engine.table("access")
    if access is None:
        return None
    return access.select(
        access.actor_id,
        access.ts,
        access.operation,
        access.field_mask,
        order_id=access.order_ids.unnest(),
    )


def report_hits(engine: Engine, report_orders: pa.Table) -> pa.Table:
    """Who read a reported order before the contact, with fields covering the recital.

    ``report_orders`` has ``r`` (report index), ``order_id``, ``contacted_at`` and
    ``need_mask`` (the fields the caller must have had). Returns one row per (actor, report)
    whose reads before the contact, together, showed every needed field:
    ``actor_id, r, first_read, last_read, n_reads, operation`` (of the first read).
    """
    rd = reads(engine)
    if rd is None or report_orders.num_rows == 0:
        return pa.table({"actor_id": pa.array([], pa.string()), "r": pa.array([], pa.int64())})
    rm = engine.memtable(report_orders, "trace_report_orders")
    joined = rd.join(rm, rd.order_id == rm.order_id)
    before = joined.filter(joined.ts < joined.contacted_at)
    # What an actor knew of an order is the union of the fields its reads showed: a view
    # of the name and a later decrypt of the phone together cover "name + phone".
    # (Per-bit ``any`` rather than ``bit_or``: Ibis compiles it on every engine.)
    bits = {f"b{i}": ((before.field_mask & (1 << i)) != 0).any() for i in range(len(ORDER_FIELDS))}
    agg = before.group_by([before.actor_id, before.r]).aggregate(
        need=before.need_mask.max(),
        **bits,
        first_read=before.ts.min(),
        last_read=before.ts.max(),
        n_reads=before.count(),
        operation=before.operation.argmin(before.ts),
    )
    seen = sum(agg[f"b{i}"].ifelse(1 << i, 0) for i in range(len(ORDER_FIELDS)))
    agg = agg.filter((seen & agg.need) == agg.need).drop("need", *bits)
    return engine.to_arrow(agg.order_by([agg.actor_id, agg.r]))


def read_sizes(engine: Engine, members: pa.Table) -> pa.Table:
    """Distinct orders read per subject: ``members`` maps ``actor_id`` → ``subject``."""
    rd = reads(engine)
    if rd is None or members.num_rows == 0:
        return pa.table({"subject": pa.array([], pa.string()), "n": pa.array([], pa.int64())})
    mt = engine.memtable(members, "trace_members")
    j = rd.join(mt, rd.actor_id == mt.actor_id)
    agg = j.group_by(j.subject).aggregate(n=j.order_id.nunique())
    return engine.to_arrow(agg.order_by(agg.subject))


def overlaps(engine: Engine, members: pa.Table) -> pa.Table:
    """|R_a ∩ R_b| for every pair of subjects in ``members`` (``actor_id`` → ``subject``)."""
    rd = reads(engine)
    if rd is None or members.num_rows == 0:
        return pa.table({"a": pa.array([], pa.string()), "b": pa.array([], pa.string()), "n": pa.array([], pa.int64())})
    mt = engine.memtable(members, "trace_overlap_members")
    j = rd.join(mt, rd.actor_id == mt.actor_id)
    so = j.select(j.subject, j.order_id).distinct()
    left = so.rename(a="subject")
    right = so.rename(b="subject", order_id_b="order_id")
    pairs = left.join(right, (left.order_id == right.order_id_b) & (left.a < right.b))
    agg = pairs.group_by([pairs.a, pairs.b]).aggregate(n=pairs.count())
    return engine.to_arrow(agg.order_by([agg.a, agg.b]))


def _seen(t: Table) -> Table:
    """Per (subject, order): the union of the fields the subject's reads showed."""
    bits = {f"b{i}": ((t.field_mask & (1 << i)) != 0).any() for i in range(len(ORDER_FIELDS))}
    agg = t.group_by([t.subject, t.order_id]).aggregate(**bits)
    seen = sum(agg[f"b{i}"].ifelse(1 << i, 0) for i in range(len(ORDER_FIELDS)))
    return agg.select(agg.subject, agg.order_id, seen=seen)


def coverage_counts(engine: Engine, members: pa.Table) -> pa.Table:
    """Orders read by both ``a`` and ``b`` (``a == b`` included), by the fields each saw.

    Returns ``a, b, seen_a, seen_b, n``; any need mask's sizes and overlaps follow by summing
    the rows whose masks cover it.
    """
    rd = reads(engine)
    empty = {k: pa.array([], t) for k, t in (("a", pa.string()), ("b", pa.string()), ("seen_a", pa.int64()), ("seen_b", pa.int64()), ("n", pa.int64()))}
    if rd is None or members.num_rows == 0:
        return pa.table(empty)
    mt = engine.memtable(members, "trace_cover_members")
    j = rd.join(mt, rd.actor_id == mt.actor_id)
    so = _seen(j.select(j.subject, j.order_id, j.field_mask))
    left = so.rename(a="subject", seen_a="seen")
    right = so.rename(b="subject", seen_b="seen", order_id_b="order_id")
    pairs = left.join(right, (left.order_id == right.order_id_b) & (left.a <= right.b))
    agg = pairs.group_by([pairs.a, pairs.b, pairs.seen_a, pairs.seen_b]).aggregate(n=pairs.count())
    return engine.to_arrow(agg.order_by([agg.a, agg.b, agg.seen_a, agg.seen_b]))


def orders_read(engine: Engine, actor_ids: Sequence[str]) -> pa.Table:
    """The distinct ``(actor_id, order_id)`` pairs read by ``actor_ids``."""
    rd = reads(engine)
    if rd is None or not actor_ids:
        return pa.table({"actor_id": pa.array([], pa.string()), "order_id": pa.array([], pa.string())})
    sel = rd.filter(rd.actor_id.isin(list(actor_ids))).select("actor_id", "order_id").distinct()
    return engine.to_arrow(sel)


def distinct_count(engine: Engine, kind: str, column: str) -> int:
    t = engine.table(kind)
    if t is None:
        return 0
    if column == "order_id":
        rd = reads(engine)
        assert rd is not None
        return int(engine.backend.execute(rd.order_id.nunique()))
    return int(engine.backend.execute(t[column].nunique()))



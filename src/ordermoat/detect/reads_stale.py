"""Reads of long-completed orders: nobody needs a buyer's data a month after delivery."""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect.base import Context, Detector
from ordermoat.detect.reads_common import judged, num, order_reads, saturate, to_alerts

__all__ = ["StaleOrderReads"]


class StaleOrderReads(Detector):
    """An actor-hour reading many orders delivered long ago, more than the actor ever did.

    Rationale: customer service, the warehouse and couriers work on open orders; a list of
    orders delivered weeks ago is what someone collecting buyers' data reads. An order is
    *stale* when it was delivered at least ``stale_days`` before the read (the runner
    passes ``order_id, delivered_at`` from the store as ``ctx.params["orders"]``; without
    it the detector stays silent).

    Fires when an hour reads at least ``min_orders`` stale orders, they are at least
    ``min_share`` of its distinct orders, and more than ``factor`` × the actor's own most
    stale orders in any of its previous ``lookback_hours`` active hours.
    Score: ``1 - 2**-(stale / threshold)``, threshold = max(min_orders, factor·own).
    """

    name: ClassVar[str] = "stale_order_reads"
    source: ClassVar[str] = "access"
    needs_orders: ClassVar[bool] = True

    #: an order delivered this many days before the read is stale
    stale_days: ClassVar[int] = 30
    #: never fire below this many stale orders in an hour
    min_orders: ClassVar[int] = 50
    #: the stale orders' share of the hour's distinct orders must reach this
    min_share: ClassVar[float] = 0.5
    #: how many times the actor's own previous maximum the hour must exceed
    factor: ClassVar[float] = 3.0
    #: how many previous active hours the own baseline looks back on
    lookback_hours: ClassVar[int] = 24 * 30

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        orders = ctx.params.get("orders")
        reads = order_reads(history)
        if orders is None:
            return to_alerts(judged(reads.select("actor_id", "hr").distinct(), new), self.name,
                             ibis.literal(0.0), ibis.literal(""), ibis._.hr, where=ibis.literal(False))
        j = reads.left_join(orders, reads.order_id == orders.order_id).select(
            reads.actor_id, reads.hr, reads.ts, reads.order_id, orders.delivered_at
        )
        stale = j.delivered_at.notnull() & (j.delivered_at < j.ts - ibis.interval(days=self.stale_days))
        hh = j.group_by([j.actor_id, j.hr]).aggregate(
            n=j.order_id.nunique(), s=stale.ifelse(j.order_id, ibis.null("string")).nunique()
        )
        w = ibis.window(group_by=hh.actor_id, order_by=hh.hr, rows=(-self.lookback_hours, -1))
        hh = hh.mutate(own=hh.s.max().over(w))
        t = judged(hh, new)
        own = t.own.fill_null(0).cast("float64")
        threshold = ibis.greatest(ibis.literal(float(self.min_orders)), own * self.factor)
        fire = (t.s >= self.min_orders) & (t.s >= t.n * self.min_share) & (t.s > own * self.factor)
        reason = (
            num(t.s) + " of " + num(t.n) + f" distinct orders in the hour delivered over {self.stale_days} days "
            "before the read; own max " + num(own) + "/h"
        )
        return to_alerts(t, self.name, saturate(t.s / threshold), reason, t.hr, where=fire)

"""Source detector on reads of order data: bulk pulls through a device, IP or app never seen."""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect.base import Context, Detector
from ordermoat.detect.reads_common import judged, num, order_reads, saturate, to_alerts

__all__ = ["NewSourceBulk"]


class NewSourceBulk(Detector):
    """An actor pulling many orders in an hour through a device, IP or app key new to it.

    Rationale: a stolen password or app key is used from somewhere else; an insider copies
    data on a personal device. For every source kind in ``kinds`` the first sighting of each
    (actor, value) is taken from the whole history (NULL values ignored); a source is *new*
    in the hours that begin less than ``new_for_hours`` after its first sighting (so "never
    seen before the hour", with a grace period for a pull that spans several hours), and
    only if the actor was already known by then: an actor's very first source is its
    baseline, not a change (a brand-new account's bulk read is BulkAccess's, against its
    peers). Reads
    through new sources are counted per actor-hour, distinct orders, per kind.

    Fires when an actor-hour reads at least ``min_orders`` distinct orders through new
    sources of one kind. One alert per actor-hour, whatever the kinds. Score:
    ``1 - 2**-(n / min_orders)`` with n the largest count over the kinds (0.5 at the floor).
    The reason names the kinds and counts, never the device, IP or app values.
    """

    name: ClassVar[str] = "new_source_bulk"
    source: ClassVar[str] = "access"

    #: distinct orders through new sources in an hour needed to fire
    min_orders: ClassVar[int] = 200
    #: the source columns watched
    kinds: ClassVar[tuple[str, ...]] = ("device_id", "ip", "app_id")
    #: a source stays new for this many hours after its first sighting
    new_for_hours: ClassVar[int] = 24

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        per_kind = [self._kind(new, history, k) for k in self.kinds]
        u = ibis.union(*per_kind)
        agg = u.group_by(["actor_id", "hr"]).aggregate(
            **{f"n_{k}": u.n.max(where=u.kind == k).fill_null(0) for k in self.kinds},
            **{f"s_{k}": u.sources.max(where=u.kind == k).fill_null(0) for k in self.kinds},
        )
        n = ibis.greatest(*[agg[f"n_{k}"] for k in self.kinds])
        parts = [
            ibis.ifelse(
                agg[f"n_{k}"] > 0,
                f"{k} " + num(agg[f"n_{k}"]) + " orders via " + num(agg[f"s_{k}"]) + " new; ",
                "",
            )
            for k in self.kinds
        ]
        reason = ibis.literal("reads through sources new to the actor: ")
        for p in parts:
            reason = reason + p
        reason = reason + "floor " + str(self.min_orders)
        return to_alerts(agg, self.name, saturate(n / float(self.min_orders)), reason, agg.hr, where=n >= self.min_orders)

    def _kind(self, new: Table, history: Table, kind: str) -> Table:
        """``actor_id, hr, kind, n, sources`` for the judged hours' reads through new ``kind`` values."""
        known = history.group_by(history.actor_id).aggregate(since=history.ts.min())
        h = history.filter(history[kind].notnull())
        first = h.group_by([h.actor_id, h[kind].name("value")]).aggregate(first=h.ts.min())
        first = first.join(known, "actor_id")
        first = first.filter(first.first > first.since).select("actor_id", "value", "first")
        r = order_reads(h, kind).rename(value=kind)
        r = judged(r, new)
        r = r.join(first, [r.actor_id == first.actor_id, r.value == first.value]).select(r, first.first)
        r = r.filter(r.first > r.hr - ibis.interval(hours=self.new_for_hours))
        agg = r.group_by([r.actor_id, r.hr]).aggregate(n=r.order_id.nunique(), sources=r.value.nunique())
        return agg.mutate(kind=ibis.literal(kind, "string")).select("actor_id", "hr", "kind", "n", "sources")

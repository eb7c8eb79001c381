"""Pattern detectors on reads of order data: crawling by id, revealing beyond the role."""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect.base import Context, Detector
from ordermoat.detect.reads_common import (
    actor_groups,
    judged,
    num,
    order_reads,
    saturate,
    to_alerts,
)
from ordermoat.domain import ORDER_FIELDS

__all__ = ["Enumeration", "FieldsBeyondRole"]

_ID = r"^(.*?)(\d{1,18})$"  # prefix, numeric suffix (at most 18 digits: fits int64)


class Enumeration(Detector):
    """An actor walking the order-id space: long runs of consecutive ids within an hour.

    Rationale: a crawler (a scraper behind a stolen session, an app key iterating ids)
    reads ``o000100, o000101, o000102, ...`` regardless of whose orders they are, while a
    person or an app reading the orders it works on sees ids scattered over the id space.
    Per actor-hour the distinct order ids are split into a prefix and a numeric suffix (the
    last up to 18 digits); runs of suffixes differing by exactly 1 under one prefix are
    found as gaps-and-islands (suffix − row number), all in the engine.

    Fires when the hour's longest run reaches ``min_run`` ids, covers at least
    ``min_run_share`` of the distinct ids read in the hour, and exceeds ``factor`` × the
    actor's own longest run in its previous ``lookback_hours`` active hours (an ERP app
    pulling a whole small marketplace in id order stays at its own level).
    Score: ``1 - 2**-(run / threshold)``, threshold = max(min_run, factor·own).
    """

    name: ClassVar[str] = "enumeration"
    source: ClassVar[str] = "access"

    #: consecutive ids in one run needed to fire
    min_run: ClassVar[int] = 50
    #: share of the hour's distinct ids that the longest run must cover
    min_run_share: ClassVar[float] = 0.5
    #: how many times the actor's own previous longest run the hour's run must exceed
    factor: ClassVar[float] = 3.0
    #: how many previous active hours the own baseline looks back on
    lookback_hours: ClassVar[int] = 24 * 30

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        r = order_reads(history)
        ids = r.select(r.actor_id, r.hr, r.order_id).distinct()
        ids = ids.mutate(prefix=ids.order_id.re_extract(_ID, 1), digits=ids.order_id.re_extract(_ID, 2))
        ids = ids.filter(ids.digits != "").mutate(k=ids.digits.cast("int64"))
        part = [ids.actor_id, ids.hr, ids.prefix]
        ids = ids.mutate(island=ids.k - ibis.row_number().over(group_by=part, order_by=ids.k))
        runs = ids.group_by(["actor_id", "hr", "prefix", "island"]).aggregate(run=ids.count())
        hours = runs.group_by(["actor_id", "hr"]).aggregate(run=runs.run.max(), n=runs.run.sum())
        w = ibis.window(group_by=hours.actor_id, order_by=hours.hr, rows=(-self.lookback_hours, -1))
        hours = hours.mutate(own=hours.run.max().over(w).fill_null(0))

        j = judged(hours, new)
        threshold = ibis.greatest(ibis.literal(float(self.min_run)), j.own.cast("float64") * self.factor)
        fire = (j.run >= self.min_run) & (j.run >= j.n * self.min_run_share) & (j.run > j.own * self.factor)
        reason = (
            "run of "
            + num(j.run)
            + " consecutive order ids among "
            + num(j.n)
            + " read in the hour; own longest run before "
            + num(j.own)
        )
        return to_alerts(j, self.name, saturate(j.run / threshold), reason, j.hr, where=fire)


def _mask(fields: tuple[str, ...]) -> int:
    return sum(1 << ORDER_FIELDS.index(f) for f in fields)


class FieldsBeyondRole(Detector):
    """An actor revealing buyers' phone numbers or addresses far more often than its peers.

    Rationale: scammers need the phone; most roles see it masked and unmask it (decrypt,
    export) only now and then. Per actor-hour, ``revealed`` is the distinct orders whose
    ``fields`` (default phone, address) a ``reveal_ops`` read showed, ``read`` the distinct
    orders read at all; the rate is revealed / read. The peer norm is the pooled rate of
    the other actors of the same role and party kind over the history (group sums minus the
    actor's own, so the actor never sets its own norm).

    Fires when an hour's ``revealed`` reaches ``min_revealed`` and its rate exceeds
    ``factor`` × the peer rate (a role whose peers never reveal fires on the floor alone; a
    role that exports whole order lists as routine has a peer rate near 1 and cannot fire).
    Score: ``1 - 2**-(rate / (factor · peer rate))``, times ``min(1, revealed / min_revealed)``
    (at least 0.5 when it fires; 1 − 2**-4 when peers never reveal).
    """

    name: ClassVar[str] = "fields_beyond_role"
    source: ClassVar[str] = "access"

    #: operations that show data in clear
    reveal_ops: ClassVar[tuple[str, ...]] = ("decrypt", "export")
    #: the fields whose reveal counts
    fields: ClassVar[tuple[str, ...]] = ("buyer_phone", "address")
    #: how many times the peer rate the hour's rate must exceed
    factor: ClassVar[float] = 5.0
    #: revealed orders in the hour needed to fire
    min_revealed: ClassVar[int] = 20

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        r = order_reads(history, "operation", "field_mask")
        shown = r.operation.isin(list(self.reveal_ops)) & ((r.field_mask.cast("int64") & _mask(self.fields)) != 0)
        r = r.mutate(rev_id=ibis.ifelse(shown, r.order_id, ibis.null("string")))
        hh = r.group_by(["actor_id", "hr"]).aggregate(read=r.order_id.nunique(), revealed=r.rev_id.nunique())
        groups = actor_groups(history, ctx)
        hh = hh.join(groups, "actor_id")
        mine = hh.group_by(["actor_id"]).aggregate(a_rev=hh.revealed.sum(), a_read=hh.read.sum())
        grp = hh.group_by(["role", "party_kind"]).aggregate(g_rev=hh.revealed.sum(), g_read=hh.read.sum())

        j = judged(hh, new).join(mine, "actor_id").join(grp, ["role", "party_kind"])
        peer_read = (j.g_read - j.a_read).cast("float64")
        peer_rate = ibis.ifelse(peer_read > 0, (j.g_rev - j.a_rev) / peer_read.nullif(0.0), 0.0)
        rate = j.revealed / j.read.cast("float64")
        fire = (j.revealed >= self.min_revealed) & (rate > peer_rate * self.factor)
        ratio = ibis.ifelse(peer_rate > 0, rate / (peer_rate * self.factor).nullif(0.0), 4.0)
        score = saturate(ratio) * (j.revealed / float(self.min_revealed)).clip(upper=1.0)
        reason = (
            num(j.revealed)
            + " of "
            + num(j.read)
            + " orders read in the hour had "
            + ibis.literal("/".join(self.fields))
            + " revealed ("
            + num(rate * 100, 1)
            + "%); peers ("
            + j.role
            + "/"
            + j.party_kind
            + ") "
            + num(peer_rate * 100, 2)
            + "%"
        )
        return to_alerts(j, self.name, score, reason, j.hr, where=fire)

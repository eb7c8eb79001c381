"""Volume detectors on reads of order data: too many orders in an hour, or at the wrong hour."""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect.base import Context, Detector
from ordermoat.detect.reads_common import (
    actor_groups,
    hourly_orders,
    judged,
    num,
    order_reads,
    peer_max_of_others,
    saturate,
    to_alerts,
)

__all__ = ["BulkAccess", "OffHours"]


class BulkAccess(Detector):
    """An actor reading far more distinct orders in an hour than it and its peers ever do.

    Rationale: leaks are bulk reads. What is "bulk" depends on the account: a dispatcher
    lists hundreds of waybills an hour and an ERP app pulls its shops' orders all day, so
    the yardstick is twofold. *Own*: the most distinct orders the actor read in any of its
    previous ``lookback_hours`` active hours (strictly before the hour judged). *Peers*: for
    each other actor of the same role and party kind with at least ``min_peer_hours``
    active hours, its ``peer_quantile`` hourly count; the peer baseline is the largest of
    those (the actor itself is excluded, so an insider cannot raise its own bar, and the
    quantile keeps a colleague's rare bulk hour out).

    Fires when the hour's distinct orders ``n`` reach ``min_orders`` and exceed both
    ``factor`` × own and ``factor`` × peer baselines (a missing baseline counts as 0: a
    brand-new account is judged by its peers, an actor with no peers by itself).
    Score: ``1 - 2**-(n / threshold)``, threshold = max(min_orders, factor·own, factor·peer);
    0.5 at the threshold, 0.75 at twice it, 0.94 at four times.
    """

    name: ClassVar[str] = "bulk_access"
    source: ClassVar[str] = "access"

    #: how many times the own and peer baselines the hour must exceed
    factor: ClassVar[float] = 3.0
    #: never fire below this many distinct orders in an hour
    min_orders: ClassVar[int] = 100
    #: how many of the actor's previous active hours its own baseline looks back on
    lookback_hours: ClassVar[int] = 24 * 30
    #: quantile of a peer's hourly counts taken as that peer's busy level
    peer_quantile: ClassVar[float] = 0.9
    #: a peer counts only with at least this many active hours
    min_peer_hours: ClassVar[int] = 24

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        hh = hourly_orders(order_reads(history))
        w = ibis.window(group_by=hh.actor_id, order_by=hh.hr, rows=(-self.lookback_hours, -1))
        hh = hh.mutate(own=hh.n.max().over(w))

        level = hh.group_by(hh.actor_id).aggregate(level=hh.n.quantile(self.peer_quantile), hours=hh.count())
        level = level.mutate(level=ibis.ifelse(level.hours >= self.min_peer_hours, level.level, ibis.null("float64")))
        groups = actor_groups(history, ctx)
        lv = level.join(groups, level.actor_id == groups.actor_id).select(level.actor_id, level.level, groups.role, groups.party_kind)
        lv = peer_max_of_others(lv, "level").select("actor_id", "role", "party_kind", "peer")

        j = judged(hh, new)
        j = j.join(lv, j.actor_id == lv.actor_id).select(j.actor_id, j.hr, j.n, j.own, lv.peer, lv.role, lv.party_kind)
        own = j.own.fill_null(0).cast("float64")
        peer = j.peer.fill_null(0.0)
        threshold = ibis.greatest(ibis.literal(float(self.min_orders)), own * self.factor, peer * self.factor)
        fire = (j.n >= self.min_orders) & (j.n > own * self.factor) & (j.n > peer * self.factor)
        reason = (
            num(j.n)
            + " distinct orders in the hour; own max "
            + num(own)
            + "/h, peer ("
            + j.role
            + "/"
            + j.party_kind
            + ") busy level "
            + num(peer)
            + "/h"
        )
        return to_alerts(j, self.name, saturate(j.n / threshold), reason, j.hr, where=fire)


class OffHours(Detector):
    """A person reading many orders in an hour of the day in which they and their peers rarely work.

    Rationale: insiders pull data when nobody is watching. Work rhythm is measured in active
    hours, not reads, so one bulk night cannot make itself look normal: the actor's share
    is (its active hours at that local hour of day − the hour judged) / (its active hours −
    1), the peers' share (same role and party kind, the actor included) the same over the
    group. Apps (``machine_roles``) run around the clock and are skipped; unknown roles are
    treated as people.

    Fires when a human actor reads at least ``min_orders`` distinct orders in an hour whose
    hour of day (UTC + ``utc_offset_hours``) has an own share below ``max_share`` (or the
    actor has fewer than ``min_history_hours`` other active hours) and a peer share below
    ``max_share``. Score: ``(1 - 2**-(n / min_orders)) · (1 - share / max_share)`` with the
    larger of the two shares: 0.5 at ``min_orders`` in a never-worked hour.
    """

    name: ClassVar[str] = "off_hours"
    source: ClassVar[str] = "access"

    #: distinct orders in the hour needed to fire
    min_orders: ClassVar[int] = 100
    #: an hour of day is "off" when less than this share of active hours fall in it
    max_share: ClassVar[float] = 0.02
    #: an actor with fewer other active hours has no own rhythm yet (peers decide)
    min_history_hours: ClassVar[int] = 24
    #: local time used for the hour of day (China Standard Time)
    utc_offset_hours: ClassVar[int] = 8
    #: roles that are machines, not people
    machine_roles: ClassVar[tuple[str, ...]] = ("app",)

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        hh = hourly_orders(order_reads(history))
        hh = hh.mutate(hod=(hh.hr.hour() + self.utc_offset_hours) % 24)
        groups = actor_groups(history, ctx)
        hh = hh.join(groups, hh.actor_id == groups.actor_id).select(hh, groups.role, groups.party_kind)

        own_hod = hh.group_by(["actor_id", "hod"]).aggregate(k=hh.count())
        own_all = hh.group_by("actor_id").aggregate(tot=hh.count())
        grp_hod = hh.group_by(["role", "party_kind", "hod"]).aggregate(gk=hh.count())
        grp_all = hh.group_by(["role", "party_kind"]).aggregate(gtot=hh.count())

        j = judged(hh, new)
        j = j.filter((j.n >= self.min_orders) & ~j.role.isin(list(self.machine_roles)))
        j = j.join(own_hod, ["actor_id", "hod"]).join(own_all, "actor_id")
        j = j.join(grp_hod, ["role", "party_kind", "hod"]).join(grp_all, ["role", "party_kind"])
        others = (j.tot - 1).cast("float64")
        own_share = ibis.ifelse(others >= self.min_history_hours, (j.k - 1) / others, 0.0)
        peer_share = (j.gk - 1) / (j.gtot - 1).cast("float64").nullif(0.0)
        peer_share = peer_share.fill_null(0.0)
        share = ibis.greatest(own_share, peer_share)
        fire = (own_share < self.max_share) & (peer_share < self.max_share)
        score = saturate(j.n / float(self.min_orders)) * (1.0 - share / self.max_share)
        reason = (
            num(j.n)
            + " distinct orders at local hour "
            + j.hod.cast("string")
            + ":00 by role "
            + j.role
            + "/"
            + j.party_kind
            + "; own share of active hours then "
            + num(own_share * 100, 1)
            + "%, peers "
            + num(peer_share * 100, 1)
            + "%"
        )
        return to_alerts(j, self.name, score, reason, j.hr, where=fire)

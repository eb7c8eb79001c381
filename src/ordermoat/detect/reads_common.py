"""Shared Ibis building blocks of the read detectors: order reads, hours, peers, alert rows.

Everything here builds expressions; nothing executes. The unit of judgement is the
(actor, clock hour) in UTC: a detector judges every actor-hour that ``new`` touches, counted
over ``history`` (which includes ``new``), so an hour split across two ingest batches is
judged whole and its alert keeps the same ``window_start`` (the runner de-duplicates on
kind, subject and window_start). Baselines come from ``history`` only.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.types import (
    BooleanValue,
    FloatingValue,
    NumericValue,
    StringValue,
    Table,
    Value,
)

from ordermoat.detect.base import ALERT_COLUMNS, ALERT_SCHEMA, Context

__all__ = [
    "UNKNOWN",
    "UTC_TS",
    "actor_groups",
    "hourly_orders",
    "judged",
    "num",
    "order_reads",
    "peer_max_of_others",
    "saturate",
    "to_alerts",
    "touched_hours",
]

UTC_TS = dt.Timestamp(timezone="UTC", scale=6)
#: role and party_kind of an actor missing from ``ctx.actors``
UNKNOWN = "unknown"


def order_reads(events: Table, *extra: str) -> Table:
    """One row per (event, order read): ``actor_id, ts, hr, order_id`` and ``extra`` columns."""
    return events.select(
        events.actor_id,
        events.ts,
        *[events[c] for c in extra],
        hr=events.ts.truncate("h"),
        order_id=events.order_ids.unnest(),
    )


def touched_hours(new: Table) -> Table:
    """The distinct ``(actor_id, hr)`` that the events to judge fall in."""
    return new.select(new.actor_id, hr=new.ts.truncate("h")).distinct()


def judged(rows: Table, new: Table) -> Table:
    """``rows`` (with ``actor_id, hr``) restricted to the actor-hours ``new`` touches."""
    th = touched_hours(new)
    return rows.semi_join(th, [rows.actor_id == th.actor_id, rows.hr == th.hr])


def hourly_orders(reads: Table) -> Table:
    """Distinct orders per actor-hour: ``actor_id, hr, n``."""
    return reads.group_by([reads.actor_id, reads.hr]).aggregate(n=reads.order_id.nunique())


def actor_groups(history: Table, ctx: Context) -> Table:
    """``actor_id, role, party_kind`` of every actor in ``history`` (``unknown`` if not in ctx)."""
    ids = history.select(history.actor_id).distinct()
    if ctx.actors is None:
        return ids.mutate(role=ibis.literal(UNKNOWN), party_kind=ibis.literal(UNKNOWN))
    a = ctx.actors.select("actor_id", "role", "party_kind").distinct()
    j = ids.left_join(a, ids.actor_id == a.actor_id)
    return j.select(
        actor_id=j.actor_id,
        role=j.role.cast("string").fill_null(UNKNOWN),
        party_kind=j.party_kind.cast("string").fill_null(UNKNOWN),
    )


def peer_max_of_others(t: Table, value: str, group: tuple[str, ...] = ("role", "party_kind")) -> Table:
    """Adds ``peer``: the largest ``value`` among the *other* rows of the same group.

    One row per actor in ``t``. Uses the top-two trick (the group's maximum, or its second
    largest for the actor holding the maximum), so an actor never sets its own peer baseline
    and no actor-by-actor join is needed. NULL when the actor has no peer with a value.
    """
    keys = [t[g] for g in group]
    ranked = t.mutate(_rk=ibis.row_number().over(group_by=keys, order_by=[t[value].desc(), t.actor_id]))
    w = ibis.window(group_by=[ranked[g] for g in group])
    second = ibis.ifelse(ranked._rk == 0, ibis.null("float64"), ranked[value].cast("float64"))
    ranked = ranked.mutate(_m1=ranked[value].cast("float64").max().over(w), _m2=second.max().over(w))
    return ranked.mutate(peer=ibis.ifelse(ranked._rk == 0, ranked._m2, ranked._m1)).drop("_rk", "_m1", "_m2")


def saturate(ratio: NumericValue) -> FloatingValue:
    """Score of a ratio to the firing threshold: ``1 - 2**-ratio`` (0.5 at the threshold, → 1)."""
    return 1.0 - (-math.log(2.0) * ratio.cast("float64")).exp()


def num(x: Value, digits: int = 0) -> StringValue:
    """A number as text for a reason line (rounded to ``digits``)."""
    if digits == 0:
        return x.cast("float64").round(0).cast("int64").cast("string")
    return x.cast("float64").round(digits).cast("string")


def to_alerts(t: Table, kind: str, score: Value, reason: StringValue, start: Value, where: BooleanValue | None = None) -> Table:
    """Exactly :data:`ALERT_COLUMNS`, typed as :data:`ALERT_SCHEMA`, one row per firing hour."""
    if where is not None:
        t = t.filter(where)
    out = t.select(
        kind=ibis.literal(kind, "string"),
        subject_type=ibis.literal("actor", "string"),
        subject_id=t.actor_id.cast("string"),
        score=score.cast("float64").clip(lower=0.0, upper=1.0),
        window_start=start.cast(UTC_TS),
        window_end=(start + ibis.interval(hours=1)).cast(UTC_TS),
        reason=reason.cast("string"),
    )
    assert tuple(out.columns) == ALERT_COLUMNS and len(ALERT_SCHEMA) == len(ALERT_COLUMNS)
    return out

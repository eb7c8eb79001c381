"""Shared Ibis building blocks of the login detectors: windows, sources, alert rows.

Everything here builds expressions; nothing executes. Windows are tumbling buckets on the
epoch (``epoch_seconds // width``), which compiles the same on DuckDB and Spark, so an
alert's ``window_start`` is stable across incremental runs (the runner can de-duplicate on
kind, subject and window_start).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.types import (
    BooleanValue,
    IntegerValue,
    StringValue,
    Table,
    TimestampValue,
    Value,
)

from ordermoat.detect.base import ALERT_COLUMNS, ALERT_SCHEMA

__all__ = [
    "UTC_TS",
    "alerts",
    "bucket",
    "bucket_start",
    "clamp",
    "empty_alerts",
    "pct",
    "since_new",
    "source_stats",
    "subject_of",
    "subnet24",
]

UTC_TS = dt.Timestamp(timezone="UTC", scale=6)
_IPV4 = r"^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$"


def bucket(ts: TimestampValue, width_s: int) -> IntegerValue:
    """The tumbling window number of ``ts`` for windows ``width_s`` seconds wide."""
    return ts.epoch_seconds() // width_s


def bucket_start(b: IntegerValue, width_s: int) -> TimestampValue:
    return (b * width_s).as_timestamp("s").cast(UTC_TS)


def subnet24(ip: StringValue) -> StringValue:
    """``"1.2.3.0/24"`` for an IPv4 address, ``""`` for anything else (IPv6, garbage)."""
    net = ip.re_extract(_IPV4, 1)
    return (net != "").ifelse(net + ".0/24", "")


def clamp(x: Value, lo: float = 0.0, hi: float = 1.0) -> Value:
    """``x`` limited to [lo, hi] (plain LEAST/GREATEST; Ibis's ``clip`` nests CASEs)."""
    return ibis.greatest(ibis.literal(lo), ibis.least(ibis.literal(hi), x))


def pct(ratio: Value) -> StringValue:
    """A ratio in [0, 1] as a whole percentage string (for reasons)."""
    return (ratio * 100).round().cast("int64").cast("string") + "%"


def since_new(new: Table, history: Table, width_s: int, extra_s: int = 0) -> Table:
    """The history rows in the windows that ``new`` touches (plus ``extra_s`` before)."""
    first = bucket(new.ts.min().as_scalar(), width_s) * width_s - extra_s
    return history.filter(history.ts.epoch_seconds() >= first)


def source_stats(t: Table, width_s: int, known: Table | None = None, hours: bool = False) -> Table:
    """Per attempt source and window: attempts, failures, accounts, addresses.

    Sources are the IP itself (``source_kind="ip"``), its IPv4 /24 (``"subnet"``) and the
    device id (``"device"``). Columns: ``source_kind, source, b, n, fails, accounts,
    fail_accounts, unknown_accounts, ips, top_ip, first_ts, last_ts, hours`` (``hours``:
    distinct clock hours with attempts). ``unknown_accounts``
    counts accounts not in ``known`` (0 when ``known`` is None); ``hours`` is computed only
    when asked (0 otherwise), ``ips`` and ``top_ip`` only for subnets and devices.
    """
    if known is not None:
        k = known.select(known_account=known.account_id).distinct()
        t = t.left_join(k, t.account_id == k.known_account)
        unknown: BooleanValue = t.known_account.isnull()
    else:
        unknown = ibis.literal(False)
    t = t.mutate(b=bucket(t.ts, width_s), fail=~t.success, unknown=unknown)
    parts = []
    for kind, key, keep in (
        ("ip", t.ip, t.ip.notnull()),
        ("subnet", subnet24(t.ip), subnet24(t.ip) != ""),
        ("device", t.device_id, t.device_id.notnull() & (t.device_id != "")),
    ):
        s = t.filter(keep).mutate(source=key)
        zero = ibis.literal(0, "int64")
        agg = s.group_by([s.source, s.b]).aggregate(
            n=s.count(),
            fails=s.fail.cast("int64").sum(),
            accounts=s.account_id.nunique(),
            fail_accounts=s.account_id.nunique(where=s.fail),
            unknown_accounts=s.account_id.nunique(where=s.unknown) if known is not None else zero,
            ips=s.ip.nunique() if kind != "ip" else ibis.literal(1, "int64"),
            top_ip=s.ip.max() if kind != "ip" else s.source.max(),
            first_ts=s.ts.min(),
            last_ts=s.ts.max(),
            hours=(s.ts.epoch_seconds() // 3600).nunique() if hours else zero,
        )
        parts.append(agg.mutate(source_kind=ibis.literal(kind)))
    return ibis.union(*parts)


def subject_of(stats: Table) -> StringValue:
    """What a source alert names: the IP, the /24, or (for a device) one IP it used."""
    return (stats.source_kind == "device").ifelse(stats.top_ip, stats.source)


def alerts(
    t: Table,
    kind: str,
    subject_type: str | Value,
    subject_id: Value,
    score: Value,
    window_start: Value,
    window_end: Value,
    reason: Value,
) -> Table:
    """``t`` reshaped to exactly ALERT_COLUMNS with ALERT_SCHEMA types; score clipped to [0, 1]."""
    st: Any = ibis.literal(subject_type) if isinstance(subject_type, str) else subject_type
    out = t.select(
        kind=ibis.literal(kind).cast("string"),
        subject_type=st.cast("string"),
        subject_id=subject_id.cast("string"),
        score=clamp(score.cast("float64")),
        window_start=window_start.cast(UTC_TS),
        window_end=window_end.cast(UTC_TS),
        reason=reason.cast("string"),
    )
    return out.select(*ALERT_COLUMNS)


def empty_alerts() -> Table:
    """A table with ALERT_COLUMNS and no rows (for a detector that has nothing to read)."""
    return ibis.memtable(ALERT_SCHEMA.empty_table())


"""Detectors that judge an attempt *source* (IP, IPv4 /24, device): stuffing and spraying.

Both aggregate logins per source and tumbling window in the engine (one group-by per
source kind) and keep the windows that ``new`` touches. IP and /24 alerts have
``subject_type="ip"`` and name the address or ``"a.b.c.0/24"``. The contract has no
``device`` subject, so a device-based alert is also an ``ip`` alert: it names one of the
IPs the device used and carries the device id and its IP count in the reason. Subnet and
device alerts need the traffic to come from at least ``min_source_ips`` addresses; with one
address the IP alert already says it all.
"""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import StringValue, Table

from ordermoat.detect._logins_common import (
    alerts,
    bucket_start,
    clamp,
    pct,
    since_new,
    source_stats,
    subject_of,
)
from ordermoat.detect.base import Context, Detector

__all__ = ["CredentialStuffing", "PasswordSpraying"]


def _source_label(s: Table) -> StringValue:
    label = ibis.cases(
        (s.source_kind == "subnet", "subnet " + s.source + " via " + s.ips.cast("string") + " IPs"),
        (s.source_kind == "device", "device " + s.source.substr(0, 16) + " via " + s.ips.cast("string") + " IPs"),
        else_="ip " + s.source,
    )
    return label


def _known(ctx: Context) -> Table | None:
    known = ctx.params.get("known_accounts")
    return known if isinstance(known, Table) else None


class CredentialStuffing(Detector):
    """撞库: one source tries leaked credential pairs on many accounts, almost all failing.

    Per source (IP, IPv4 /24, device) and ``window_s`` window, alert when at least
    ``min_accounts`` distinct accounts were tried and either the failure ratio (failed /
    all attempts) is at least ``min_failure_ratio``, or, when ``ctx.params["known_accounts"]``
    is given, at least ``min_unknown_accounts`` tried accounts do not exist and the failure
    ratio is at least ``min_failure_ratio_with_unknown`` (lists of leaked pairs carry
    accounts of other sites). An office NAT with many staff succeeding stays quiet: its
    failure ratio is low, whatever its breadth.

    Score: 0.6, plus up to 0.2 for breadth (reached at 5 × ``min_accounts``), plus up to 0.2
    for the failure ratio above the threshold, plus up to 0.1 for the share of unknown
    accounts; clipped to [0, 1].
    """

    name: ClassVar[str] = "credential_stuffing"
    source: ClassVar[str] = "logins"

    window_s: int = 3600
    min_accounts: int = 30
    min_failure_ratio: float = 0.8
    min_unknown_accounts: int = 10
    min_failure_ratio_with_unknown: float = 0.5
    min_source_ips: int = 2

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        s = source_stats(since_new(new, history, self.window_s), self.window_s, _known(ctx))
        ratio = s.fails.cast("float64") / s.n
        unknown_share = s.unknown_accounts.cast("float64") / s.accounts
        s = s.mutate(ratio=ratio, unknown_share=unknown_share)
        hit = (s.accounts >= self.min_accounts) & (
            (s.ratio >= self.min_failure_ratio)
            | ((s.unknown_accounts >= self.min_unknown_accounts) & (s.ratio >= self.min_failure_ratio_with_unknown))
        )
        spread = (s.source_kind == "ip") | (s.ips >= self.min_source_ips)
        s = s.filter(hit & spread)
        m = self.min_accounts
        breadth = clamp((s.accounts - m).cast("float64") / (4 * m))
        fail = clamp((s.ratio - self.min_failure_ratio) / (1 - self.min_failure_ratio))
        score = 0.6 + 0.2 * breadth + 0.2 * fail + 0.1 * clamp(2 * s.unknown_share)
        reason = (
            _source_label(s) + ": " + s.accounts.cast("string") + " accounts tried, "
            + pct(s.ratio) + " of " + s.n.cast("string") + " attempts failed, "
            + s.unknown_accounts.cast("string") + " unknown accounts, in "
            + ibis.literal(str(self.window_s // 60)) + " min"
        )  # fmt: skip
        return alerts(
            s,
            self.name,
            "ip",
            subject_of(s),
            score,
            bucket_start(s.b, self.window_s),
            bucket_start(s.b + 1, self.window_s),
            reason,
        )


class PasswordSpraying(Detector):
    """Password spraying: a few common passwords on each of many accounts, low and slow.

    Per source (IP, IPv4 /24, device) and ``window_s`` window (a day), alert when at least
    ``min_accounts`` accounts were tried, with at most ``max_attempts_per_account`` attempts
    per account on average (staying under lockouts), attempts in at least
    ``min_active_hours`` distinct hours (slow, unlike a stuffing burst) and a success ratio
    of at most ``max_success_ratio``.

    Score: 0.5, plus up to 0.3 for breadth (reached at 5 × ``min_accounts``), plus up to 0.2
    the lower the success ratio; clipped to [0, 1].
    """

    name: ClassVar[str] = "password_spraying"
    source: ClassVar[str] = "logins"

    window_s: int = 86_400
    min_accounts: int = 100
    max_attempts_per_account: float = 3.0
    max_success_ratio: float = 0.05
    min_active_hours: int = 4
    min_source_ips: int = 2

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        s = source_stats(since_new(new, history, self.window_s), self.window_s, hours=True)
        s = s.mutate(ok_ratio=(s.n - s.fails).cast("float64") / s.n, per_account=s.n.cast("float64") / s.accounts)
        hit = (
            (s.accounts >= self.min_accounts)
            & (s.per_account <= self.max_attempts_per_account)
            & (s.ok_ratio <= self.max_success_ratio)
            & (s.hours >= self.min_active_hours)
        )
        s = s.filter(hit & ((s.source_kind == "ip") | (s.ips >= self.min_source_ips)))
        m = self.min_accounts
        breadth = clamp((s.accounts - m).cast("float64") / (4 * m))
        score = 0.5 + 0.3 * breadth + 0.2 * (1 - s.ok_ratio / self.max_success_ratio)
        reason = (
            _source_label(s) + ": " + s.accounts.cast("string") + " accounts tried, "
            + s.per_account.round(1).cast("string") + " attempts each, "
            + pct(s.ok_ratio) + " succeeded, over " + s.hours.cast("string") + " hours"
        )  # fmt: skip
        return alerts(
            s,
            self.name,
            "ip",
            subject_of(s),
            score,
            bucket_start(s.b, self.window_s),
            bucket_start(s.b + 1, self.window_s),
            reason,
        )

"""The supplier rule: lock an account after repeated failed logins."""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect._logins_common import alerts, clamp
from ordermoat.detect.base import Context, Detector

__all__ = ["Lockout"]


class Lockout(Detector):
    """An account with ``max_failures`` consecutive failed logins within ``window_s``.

    "Consecutive": no successful login of the account in between (a success resets the
    count). Two window functions per account in the engine: a running count of successes
    numbers the failure streaks, and a range window counts a streak's failures in the
    ``window_s`` up to each attempt. One alert per streak that reaches the limit with an
    attempt in ``new``; the window runs from the streak's first failure to its last.

    Score: ``base_score`` at the limit, plus up to 0.2 as failures reach 4 × the limit,
    plus 0.1 if they came from more than one IP; clipped to [0, 1].
    """

    name: ClassVar[str] = "lockout"
    source: ClassVar[str] = "logins"

    max_failures: int = 5
    window_s: int = 900
    base_score: float = 0.5

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        lo = new.ts.min().as_scalar()
        h = history.filter(history.ts >= lo - ibis.interval(seconds=self.window_s))
        h = h.mutate(sec=h.ts.epoch_seconds(), fail=(~h.success).cast("int64"))
        streak = h.success.cast("int64").sum().over(
            ibis.cumulative_window(group_by=h.account_id, order_by=[h.ts, h.event_id])
        )
        f = h.mutate(streak=streak).filter(~h.success)
        run = f.fail.sum().over(
            ibis.range_window(preceding=self.window_s, following=0, group_by=[f.account_id, f.streak], order_by=f.sec)
        )
        f = f.mutate(run=run)
        g = f.group_by(f.account_id, f.streak).aggregate(
            peak=f.run.max(),
            fails=f.count(),
            ips=f.ip.nunique(),
            first=f.ts.min(),
            last=f.ts.max(),
            kind=f.account_kind.max(),
        )
        g = g.filter((g.peak >= self.max_failures) & (g.last >= lo))
        m = self.max_failures
        score = (
            self.base_score
            + 0.2 * clamp((g.fails - m).cast("float64") / (3 * m))
            + (g.ips > 1).ifelse(0.1, 0.0)
        )
        reason = (
            g.kind + " account: " + g.fails.cast("string") + " failed logins in a row from "
            + g.ips.cast("string") + " IPs, " + g.peak.cast("string") + " within "
            + str(self.window_s // 60) + " min (limit " + str(m) + ")"
        )  # fmt: skip
        return alerts(g, self.name, "account", g.account_id, score, g.first, g.last, reason)

"""Detectors that judge a *successful* login of one account: takeover and unusual-login notice.

Both start from :func:`success_features`, one engine query that describes each successful
login in ``new`` against the account's history: was the account seen before, are this IP
and device new for it, how many failures preceded it, and did it come from a source that
was attacking many accounts at the time. "Seen" means a successful login: an attacker's
failed attempts do not make its device known. A login without a device id never counts as
"new device" (we cannot tell), and an account's first login in the history has no baseline,
so it is never "unusual".
"""

from __future__ import annotations

from typing import ClassVar

import ibis
from ibis.expr.types import Table

from ordermoat.detect._logins_common import alerts, bucket, clamp
from ordermoat.detect.base import Context, Detector

__all__ = ["AccountTakeover", "UnusualLoginNotice", "success_features"]


def _first_seen(h: Table, key: str, out: str) -> Table:
    g = h.filter(h[key].notnull()).group_by([h.account_id, h[key]]).aggregate(**{out: h.ts.min()})
    return g.rename(**{f"{out}_acct": "account_id", f"{out}_key": key})


def success_features(
    new: Table,
    history: Table,
    fail_window_s: int = 3600,
    attacker_window_s: int = 3600,
    attacker_lookback: int = 24,
    attacker_min_accounts: int = 30,
    attacker_min_failure_ratio: float = 0.8,
) -> Table:
    """One row per successful login in ``new``, with what it looks like for its account.

    Columns: ``event_id, ts, account_id, account_kind, ip, device_id`` and ``prior`` (the
    account logged in successfully before), ``new_ip``, ``new_device``, ``fails`` (failed
    attempts on the account in the ``fail_window_s`` before), ``fail_ips``, ``first_fail``,
    ``attacker_accounts`` (most accounts the login's IP failed on in one
    ``attacker_window_s`` window, over the ``attacker_lookback`` windows up to the login,
    counting only windows the IP attacked before it: at least ``attacker_min_accounts``
    accounts at ``attacker_min_failure_ratio``; null if none) and ``attacker_since``.
    """
    s = new.filter(new.success).select("event_id", "ts", "account_id", "account_kind", "ip", "device_id")
    s = s.mutate(b=bucket(s.ts, attacker_window_s))
    accts = s.select(acct=s.account_id).distinct()
    h = history.semi_join(accts, history.account_id == accts.acct)
    ok = h.filter(h.success)

    first = ok.group_by(first_acct=ok.account_id).aggregate(first_ok=ok.ts.min())
    by_ip = _first_seen(ok, "ip", "first_ip")
    by_dev = _first_seen(ok, "device_id", "first_dev")
    out = s.left_join(first, s.account_id == first.first_acct)
    out = out.left_join(by_ip, (out.account_id == by_ip.first_ip_acct) & (out.ip == by_ip.first_ip_key))
    out = out.left_join(by_dev, (out.account_id == by_dev.first_dev_acct) & (out.device_id == by_dev.first_dev_key))
    out = out.drop("first_acct", "first_ip_acct", "first_ip_key", "first_dev_acct", "first_dev_key")

    # Failures on the account in the hour before each success (a range join on few rows:
    # failures per account are few except on attacked accounts, one or two each).
    lo = new.ts.min().as_scalar() - ibis.interval(seconds=fail_window_s)
    f = h.filter(~h.success & (h.ts >= lo)).select(f_acct="account_id", f_ts="ts", f_ip="ip")
    pairs = s.join(
        f, (s.account_id == f.f_acct) & (f.f_ts < s.ts) & (f.f_ts >= s.ts - ibis.interval(seconds=fail_window_s))
    )
    fails = pairs.group_by(fe=pairs.event_id, fa=pairs.account_id, ft=pairs.ts).aggregate(
        fails=pairs.count(), fail_ips=pairs.f_ip.nunique(), first_fail=pairs.f_ts.min()
    )
    out = out.left_join(fails, (out.event_id == fails.fe) & (out.account_id == fails.fa) & (out.ts == fails.ft))
    out = out.drop("fe", "fa", "ft")

    # Sources attacking many accounts: per IP and window, over the lookback, before the login.
    lo_b = bucket(new.ts.min().as_scalar(), attacker_window_s) - attacker_lookback
    a = history.mutate(b=bucket(history.ts, attacker_window_s))
    a = a.filter(a.b >= lo_b)
    a = a.group_by(a_ip=a.ip, a_b=a.b).aggregate(
        n=a.count(),
        fails=(~a.success).cast("int64").sum(),
        a_accounts=a.account_id.nunique(where=~a.success),
        a_first=a.ts.min(where=~a.success),
    )
    a = a.filter(
        (a.a_accounts >= attacker_min_accounts) & (a.fails.cast("float64") / a.n >= attacker_min_failure_ratio)
    )
    hits = s.join(
        a, (s.ip == a.a_ip) & (a.a_b <= s.b) & (a.a_b >= s.b - attacker_lookback) & (a.a_first < s.ts)
    )
    hits = hits.group_by(he=hits.event_id, ha=hits.account_id, ht=hits.ts).aggregate(
        attacker_accounts=hits.a_accounts.max(), attacker_since=hits.a_first.min()
    )
    out = out.left_join(hits, (out.event_id == hits.he) & (out.account_id == hits.ha) & (out.ts == hits.ht))
    out = out.drop("he", "ha", "ht", "b")

    return out.mutate(
        prior=out.first_ok.notnull() & (out.first_ok < out.ts),
        new_ip=out.first_ip.isnull() | (out.first_ip >= out.ts),
        new_device=out.device_id.notnull() & (out.first_dev.isnull() | (out.first_dev >= out.ts)),
        fails=out.fails.fill_null(0),
        fail_ips=out.fail_ips.fill_null(0),
    ).drop("first_ok", "first_ip", "first_dev")


class AccountTakeover(Detector):
    """A successful login that looks like someone else got in.

    Fires on a success (a) from an IP that, in the ``attacker_lookback`` hours up to the
    login, failed on at least ``attacker_min_accounts`` accounts in an hour at a failure
    ratio of at least ``attacker_min_failure_ratio`` (the stuffing source got a hit), or (b)
    from a device and an IP both new for an account that had logged in before, after at
    least ``min_failures`` failures in the ``fail_window_s`` before. For a staff account,
    reads of order data (``ctx.params["access"]``, ``actor_id`` = the account) within
    ``followup_s`` after the login raise the score: that is the attacker harvesting orders.

    Score: (a) and (b) 0.9; (a) 0.8; (b) 0.6 + 0.05 per failure beyond ``min_failures``
    (at most +0.2); plus ``followup_bonus`` for staff follow-up reads; clipped to [0, 1].
    """

    name: ClassVar[str] = "account_takeover"
    source: ClassVar[str] = "logins"

    min_failures: int = 3
    fail_window_s: int = 3600
    attacker_lookback: int = 24  # hours
    attacker_min_accounts: int = 30
    attacker_min_failure_ratio: float = 0.8
    followup_s: int = 3600
    followup_bonus: float = 0.15

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        f = success_features(
            new, history, self.fail_window_s, 3600, self.attacker_lookback,
            self.attacker_min_accounts, self.attacker_min_failure_ratio,
        )  # fmt: skip
        by_source = f.attacker_accounts.notnull()
        by_account = f.prior & f.new_ip & f.new_device & (f.fails >= self.min_failures)
        f = f.filter(by_source | by_account).mutate(by_source=by_source, by_account=by_account)
        f = self._followup(f, ctx.params.get("access"))
        extra = 0.05 * clamp((f.fails - self.min_failures).cast("float64"), 0.0, 4.0)
        score = ibis.cases(
            (f.by_source & f.by_account, 0.9), (f.by_source, 0.8), else_=0.6 + extra
        ) + (f.reads > 0).ifelse(self.followup_bonus, 0.0)
        src = f.by_source.ifelse(
            "success from ip " + f.ip + " which failed on " + f.attacker_accounts.cast("string") + " accounts in an hour",
            "",
        )
        acc = f.by_account.ifelse(
            "new device and new IP after " + f.fails.cast("string") + " failures from "
            + f.fail_ips.cast("string") + " IPs in " + str(self.fail_window_s // 60) + " min",
            "",
        )  # fmt: skip
        sep = (f.by_source & f.by_account).ifelse("; ", "")
        follow = (f.reads > 0).ifelse(
            "; then read " + f.orders.cast("string") + " orders in " + f.reads.cast("string") + " calls", ""
        )
        reason = f.account_kind + " login: " + src + sep + acc + follow
        start = ibis.least(f.ts, f.first_fail.fill_null(f.ts), f.attacker_since.fill_null(f.ts))
        end = ibis.greatest(f.ts, f.last_read.fill_null(f.ts))
        return alerts(f, self.name, "account", f.account_id, score, start, end, reason)

    def _followup(self, f: Table, access: Table | None) -> Table:
        """Add ``reads, orders, last_read``: staff reads within ``followup_s`` after the login."""
        if not isinstance(access, Table):
            return f.mutate(reads=ibis.literal(0, "int64"), orders=ibis.literal(0, "int64"),
                            last_read=ibis.null("timestamp('UTC')"))  # fmt: skip
        staff = f.filter(f.account_kind == "staff").select(k_e="event_id", k_a="account_id", k_t="ts")
        a = access.select(r_actor="actor_id", r_ts="ts", r_n=access.order_ids.length())
        j = staff.join(
            a, (a.r_actor == staff.k_a) & (a.r_ts >= staff.k_t) & (a.r_ts <= staff.k_t + ibis.interval(seconds=self.followup_s))
        )
        g = j.group_by("k_e", "k_a", "k_t").aggregate(reads=j.count(), orders=j.r_n.sum(), last_read=j.r_ts.max())
        out = f.left_join(g, (f.event_id == g.k_e) & (f.account_id == g.k_a) & (f.ts == g.k_t))
        out = out.drop("k_e", "k_a", "k_t")
        return out.mutate(reads=out.reads.fill_null(0), orders=out.orders.fill_null(0))


class UnusualLoginNotice(Detector):
    """异常登录提醒: a buyer logged in from a device and an IP never seen for the account.

    The buyer-facing notice ("was this you?"). Needs a baseline (an earlier successful
    login) and a device id; a buyer on the move (new IP, same phone) or on a new phone at
    home (new device, known IP) stays quiet. Low score on its own; failures in the
    ``fail_window_s`` before raise it.

    Score: ``base_score`` + ``per_failure`` × failures (at most 3 counted); clipped to [0, 1].
    """

    name: ClassVar[str] = "unusual_login"
    source: ClassVar[str] = "logins"

    fail_window_s: int = 3600
    base_score: float = 0.2
    per_failure: float = 0.1

    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        f = success_features(new, history, self.fail_window_s)
        f = f.filter((f.account_kind == "buyer") & f.prior & f.new_ip & f.new_device)
        score = self.base_score + self.per_failure * clamp(f.fails.cast("float64"), 0.0, 3.0)
        reason = (
            "buyer login from a new device and a new IP; " + f.fails.cast("string") + " failures in the "
            + str(self.fail_window_s // 60) + " min before"
        )  # fmt: skip
        start = f.first_fail.fill_null(f.ts)
        return alerts(f, self.name, "account", f.account_id, score, start, f.ts, reason)

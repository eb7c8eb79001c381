"""Carrying out the leak plans: the insider's bulk reads, and the ledger of leaked orders.

The ledger records, per leaker, each order it leaked with the time and the fields of its
first read of that order in the leak window; scam contacts come after that read. It also
keeps a small random sample of orders for unrelated (noise) scam reports.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ordermoat.domain import ALL_FIELDS_MASK
from ordermoat.simulate import hashing
from ordermoat.simulate.events import Events, op
from ordermoat.simulate.orders import OrderChunk
from ordermoat.simulate.scenarios import Leaker

__all__ = ["insider_reads", "Ledger"]

_BATCH = 200  # orders per export call


def insider_reads(lk: Leaker, c: OrderChunk, seed: int) -> Events:
    """An insider's off-hours export sessions: each takes the orders placed since the last one."""
    if lk.kind != "insider_bulk":
        return Events.empty()
    n_sess = len(lk.sessions)
    s = np.searchsorted(lk.sessions, c.created_at, side="right")
    sc = np.minimum(s, n_sess - 1)
    ok = c.paid & (s < n_sess) & (c.created_at >= lk.sessions[sc] - lk.lookback)
    if lk.shop >= 0:
        ok &= c.shop == lk.shop
    ok &= hashing.uniform(c.index, hashing.salt(seed, "insider")) < lk.sample
    pos = np.flatnonzero(ok)
    if len(pos) == 0:
        return Events.empty()
    order = np.argsort(sc[pos], kind="stable")
    pos, sess = pos[order], sc[pos][order]
    counts = np.bincount(sess, minlength=n_sess)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = lk.taken[sess] + np.arange(len(pos)) - starts[sess]
    lk.taken += counts
    batch = rank // _BATCH
    ts = lk.sessions[sess] + batch * 47 + (batch * 7919) % 23
    return Events.grouped(sess * 10_000_000 + batch, ts, lk.actor, op("export"), ALL_FIELDS_MASK, pos)


class Ledger:
    """What each leaker leaked, and a reservoir of random orders for noise reports."""

    def __init__(self, leakers: list[Leaker], seed: int, total: int) -> None:
        self.leakers = leakers
        self._salt = hashing.salt(seed, "noise-sample")
        self._p_noise = min(1.0, 5000 / max(total, 1))
        self._leaked: list[pa.Table] = []
        self._noise: list[pa.Table] = []

    def capture(self, ev: Events, c: OrderChunk, orders: pa.Table) -> None:
        """Record the leaked reads among ``ev`` (over chunk ``c`` whose table is ``orders``)."""
        for i, lk in enumerate(self.leakers):
            sel = (ev.actor == lk.actor) & (ev.ts >= lk.start) & (ev.ts <= lk.end)
            if lk.kind == "insider_bulk":
                sel &= ev.op == op("export")
            if not sel.any():
                continue
            sub = ev.keep(sel)
            e_idx, pos = sub.exploded()
            ts = sub.ts[e_idx]
            order = np.lexsort((ts, pos))
            pos, ts, mask = pos[order], ts[order], sub.mask[e_idx][order]
            first = np.concatenate([[True], pos[1:] != pos[:-1]])
            pos, ts, mask = pos[first], ts[first], mask[first]
            rows = orders.take(pa.array(pos))
            rows = rows.append_column("read_ts", pa.array(ts)).append_column("read_mask", pa.array(mask.astype(np.int64)))
            self._leaked.append(rows.append_column("leaker", pa.array(np.full(len(pos), i, dtype=np.int64))))
        noise = np.flatnonzero(c.paid & (hashing.uniform(c.index, self._salt) < self._p_noise))
        self._noise.append(orders.take(pa.array(noise)))

    def leaked(self) -> pa.Table | None:
        """All leaked orders: the order columns plus ``read_ts``, ``read_mask``, ``leaker``."""
        return pa.concat_tables(self._leaked) if self._leaked else None

    def noise_pool(self) -> pa.Table:
        return pa.concat_tables(self._noise)

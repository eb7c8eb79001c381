"""Authentication attempts: buyers before they order, staff at the start of their shifts,
and (optionally) one credential-stuffing burst against buyer accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ordermoat.simulate import clock, hashing
from ordermoat.simulate.columns import id_strings, take, timestamps
from ordermoat.simulate.orders import OrderChunk
from ordermoat.simulate.parties import Marketplace
from ordermoat.simulate.people import device_ids, ips

__all__ = ["LOGIN_COLUMNS", "Stuffing", "buyer_logins", "staff_logins", "plan_stuffing", "stuffing_logins"]

LOGIN_COLUMNS = ("ts", "account_id", "account_kind", "ip", "success", "device_id", "user_agent", "event_id")
_BUYER_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mall/10.31.0",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Mall/10.30.2",
    "Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 Mall/10.29.8",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36",
)
_STAFF_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) SellerWorkbench/9.12", "Mozilla/5.0 (Linux; Android 12) CourierApp/5.4")
_BOT_UA = ("python-requests/2.31.0", "okhttp/3.12.1", "Mozilla/5.0 (Windows NT 6.1) Chrome/49.0")


def _table(ts: np.ndarray, account: pa.Array, kind: str, ip: pa.Array, ok: np.ndarray, device: pa.Array,
           ua: pa.Array, first_id: int) -> pa.Table:  # fmt: skip
    order = np.argsort(ts, kind="stable")
    idx = pa.array(order)
    return pa.table(
        {
            "ts": timestamps(ts[order]),
            "account_id": account.take(idx),
            "account_kind": pa.array(np.full(len(ts), kind)),
            "ip": ip.take(idx),
            "success": pa.array(ok[order]),
            "device_id": device.take(idx),
            "user_agent": ua.take(idx),
            "event_id": id_strings("lg", first_id + np.arange(len(ts)), 11),
        }
    )


def buyer_logins(c: OrderChunk, seed: int, rng: np.random.Generator, first_id: int) -> pa.Table:
    """Half the orders follow a fresh login; a few logins fail once or twice first."""
    pos = np.flatnonzero(rng.random(len(c)) < 0.5)
    fails = rng.random(len(pos)) < 0.04
    tries = np.repeat(pos, 1 + fails * rng.integers(1, 3, len(pos)))
    ok = np.append(tries[:-1] != tries[1:], True)[: len(tries)]  # the last try of each login succeeds
    ts = c.created_at[tries] - rng.integers(60, 6 * clock.HOUR, len(tries))
    ts = ts + np.where(ok, 0, -rng.integers(5, 90, len(tries)))
    keep = ts >= clock.START
    tries, ok, ts = tries[keep], ok[keep], ts[keep]
    buyer = c.buyer[tries]
    roam = rng.random(len(tries)) < 0.2  # on the move: another network
    ip_key = np.where(roam, rng.integers(0, 1 << 40, len(tries)), buyer)
    return _table(ts, id_strings("b", buyer, 8), "buyer", ips(ip_key, hashing.salt(seed, "buyer-ip")), ok,
                  device_ids(buyer * 2 + (rng.random(len(tries)) < 0.15), hashing.salt(seed, "buyer-device")),
                  take(list(_BUYER_UA), hashing.below(buyer, hashing.salt(seed, "ua"), len(_BUYER_UA))), first_id)  # fmt: skip


def staff_logins(m: Marketplace, seed: int, first_id: int) -> pa.Table:
    """Staff (not app keys) log in most days at the start of their hours; 3% typo first."""
    rng = np.random.default_rng([seed, 5])
    staff = np.flatnonzero(m.role != "app")
    actor = np.repeat(staff, clock.DAYS)
    day = np.tile(np.arange(clock.DAYS), len(staff))
    keep = rng.random(len(actor)) < 0.8
    actor, day = actor[keep], day[keep]
    ts = clock.at_hours(clock.START + day * clock.DAY, 7.5, 10, rng.random(len(actor)))
    fail = rng.random(len(actor)) < 0.03
    actor = np.concatenate([actor, actor[fail]])
    ok = np.concatenate([np.ones(len(ts), dtype=bool), np.zeros(fail.sum(), dtype=bool)])
    ts = np.concatenate([ts, ts[fail] - rng.integers(5, 60, fail.sum())])
    ua = np.where(np.isin(m.role[actor], ["courier", "dispatcher"]), 1, 0)
    return _table(ts, m.actor_ids.take(pa.array(actor)), "staff", m.ip.take(pa.array(actor)), ok,
                  m.device_id.take(pa.array(actor)), take(list(_STAFF_UA), ua), first_id)  # fmt: skip


@dataclass
class Stuffing:
    ips: list[str]
    start: int
    end: int
    attempts: int


def plan_stuffing(seed: int, orders: int) -> Stuffing:
    rng = np.random.default_rng([seed, 6])
    start = clock.START + int(rng.integers(10, 50)) * clock.DAY + int(rng.uniform(1, 4) * clock.HOUR)
    bots = ips(rng.integers(0, 1 << 40, int(rng.integers(3, 6))), hashing.salt(seed, "bot-ip"), cloud=True).to_pylist()
    return Stuffing(bots, start, start + 2 * clock.HOUR, int(np.clip(orders // 20, 300, 20_000)))


def stuffing_logins(s: Stuffing, seed: int, orders: int, first_id: int) -> tuple[pa.Table, list[str]]:
    """The burst's attempts, and the buyer accounts it got into."""
    rng = np.random.default_rng([seed, 7])
    n = s.attempts
    buyer = rng.integers(0, max(50, int(orders * 0.55)), n)
    ok = rng.random(n) < 0.015
    ts = s.start + rng.integers(0, s.end - s.start, n)
    table = _table(ts, id_strings("b", buyer, 8), "buyer", take(s.ips, rng.integers(0, len(s.ips), n)), ok,
                   device_ids(rng.integers(0, 1 << 40, n), hashing.salt(seed, "bot-device")),
                   take(list(_BOT_UA), rng.integers(0, len(_BOT_UA), n)), first_id)  # fmt: skip
    return table, sorted(set(id_strings("b", buyer[ok], 8).to_pylist()))

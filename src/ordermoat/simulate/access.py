"""Normal order reads, role by role: who reads which orders, when, and what they see.

Every generator takes an :class:`~.orders.OrderChunk` and returns :class:`~.events.Events`
over it. Times follow each role's working hours; nothing is read before it exists.
"""

from __future__ import annotations

import numpy as np

from ordermoat.domain import ALL_FIELDS_MASK, field_mask
from ordermoat.simulate import clock
from ordermoat.simulate.events import Events, op
from ordermoat.simulate.orders import OrderChunk
from ordermoat.simulate.parties import Marketplace

__all__ = ["normal_reads", "PRINT_MASK", "PRIVACY_MASK", "COURIER_MASK", "COURIER_PRIVACY_MASK"]

CS_MASK = field_mask(["buyer_name", "item_title", "amount", "created_at"])
PHONE_MASK = field_mask(["buyer_phone"])
PRINT_MASK = field_mask(["buyer_name", "buyer_phone", "address", "item_title"])
PRIVACY_MASK = field_mask(["address", "item_title"])
PACK_MASK = field_mask(["item_title", "amount"])
ADMIN_MASK = field_mask(["buyer_name", "address", "item_title", "amount", "created_at"])
DISPATCH_MASK = field_mask(["buyer_name", "buyer_phone", "address"])
COURIER_MASK = field_mask(["buyer_name", "buyer_phone", "address"])
COURIER_PRIVACY_MASK = PRIVACY_MASK
ANALYST_MASK = field_mask(["item_title", "amount", "created_at"])
DISPUTE_MASK = field_mask(["buyer_name", "address", "item_title", "amount", "created_at"])


def _member(group: tuple[np.ndarray, np.ndarray, np.ndarray], shop: np.ndarray, slot: np.ndarray) -> np.ndarray:
    start, count, flat = group
    return flat[start[shop] + slot % count[shop]]


def _repeat(rng: np.random.Generator, sel: np.ndarray, base: int, lam: float) -> np.ndarray:
    """Positions of ``sel`` repeated ``base + Poisson(lam)`` times each."""
    return np.repeat(sel, base + rng.poisson(lam, len(sel)))


def shop_cs(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """Shop customer service opens a third of the orders in the days after they are placed."""
    first = np.flatnonzero(rng.random(len(c)) < 0.35)
    agent_slot = rng.integers(0, 1 << 20, len(c))
    pos = _repeat(rng, first, 1, 1.5)
    t = c.created_at[pos] + (rng.exponential(1.2, len(pos)) * clock.DAY).astype(np.int64)
    t = clock.into_hours(t, 9, 23, rng.random(len(pos)))
    actor = _member(m.cs, c.shop[pos], agent_slot[pos])
    dec = rng.random(len(pos)) < 0.04
    return [
        Events.single(t, actor, op("view"), CS_MASK, pos),
        Events.single(t[dec] + rng.integers(5, 120, dec.sum()), actor[dec], op("decrypt"), PHONE_MASK, pos[dec]),
    ]


def warehouse(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """The staffer on shift prints the waybill and checks the parcel; privacy waybills hide name and phone."""
    pos = np.flatnonzero(c.paid)
    t = np.maximum(c.shipped_at[pos] - rng.integers(600, 3 * clock.HOUR, len(pos)), c.paid_at[pos] + 60)
    shift = clock.day_index(t) * 2 + (clock.seconds_of_day(t) >= 14 * clock.HOUR)
    actor = _member(m.warehouse, c.shop[pos], shift + c.shop[pos])
    mask = np.where(c.privacy[pos], PRIVACY_MASK, PRINT_MASK)
    again = rng.random(len(pos)) < 0.05
    return [
        Events.single(t, actor, op("print"), mask, pos),
        Events.single(t[again] + rng.integers(30, 900, again.sum()), actor[again], op("print"), mask[again], pos[again]),
        Events.single(t + rng.integers(120, 2400, len(pos)), actor, op("view"), PACK_MASK, pos),
    ]


def shop_admin(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """Each shop's admin exports the previous day's orders every morning (no phone numbers)."""
    pos = np.flatnonzero(c.paid)
    day = clock.day_index(c.created_at[pos]) + 1
    key = c.shop[pos] * (clock.DAYS + 2) + day
    jitter = (np.abs(np.sin(key.astype(np.float64) * 12.9898)) * 1.5 * clock.HOUR).astype(np.int64)
    t = clock.START + day * clock.DAY + int(9.5 * clock.HOUR) + jitter
    return [Events.grouped(key, t, m.shop_admin[c.shop[pos]], op("export"), ADMIN_MASK, pos)]


def isv_apps(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """ERP apps pull every order of their shops in batches every 3 minutes (on creation, payment
    and shipping) and fetch single orders repeatedly; printing apps fetch an order when printing."""
    parts = []
    erp = np.flatnonzero(m.shop_erp[c.shop] >= 0)
    for when in (c.created_at, c.paid_at, c.shipped_at):
        sel = erp if when is c.created_at else erp[c.paid[erp]]
        a = m.shop_erp[c.shop[sel]]
        bucket = (when[sel] + 20 + a * 7) // 180 + 1
        parts.append(Events.grouped(bucket * 100_000 + a, bucket * 180 - a * 7 + 3, a, op("api_pull"), ALL_FIELDS_MASK, sel))
    pos = _repeat(rng, erp, 3, 3.0)
    span = np.maximum(c.delivered_at[pos] + clock.DAY - c.created_at[pos], clock.HOUR)
    t = c.created_at[pos] + (rng.random(len(pos)) ** 1.5 * span).astype(np.int64) + 30
    parts.append(Events.single(t, m.shop_erp[c.shop[pos]], op("api_pull"), ALL_FIELDS_MASK, pos))
    pr = np.flatnonzero((m.shop_print[c.shop] >= 0) & c.paid)
    t = np.maximum(c.shipped_at[pr] - rng.integers(3 * clock.HOUR, 4 * clock.HOUR, len(pr)), c.paid_at[pr] + 30)
    mask = np.where(c.privacy[pr], PRIVACY_MASK, PRINT_MASK)
    parts.append(Events.single(t, m.shop_print[c.shop[pr]], op("api_pull"), mask, pr))
    return parts


def carriers(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """Dispatchers list their outlet's parcels hourly; couriers open the parcels they deliver."""
    pos = np.flatnonzero(c.paid)
    disp = m.dispatcher_of[c.carrier[pos], c.district[pos]]
    hour = (c.shipped_at[pos] + 2 * clock.HOUR) // clock.HOUR
    key = hour * 1_000_000 + disp
    parts = [Events.grouped(key, hour * clock.HOUR + 600 + disp % 1200, disp, op("list"), DISPATCH_MASK, pos)]
    pos = _repeat(rng, pos, 2, 2.5)
    lo = np.maximum(c.shipped_at[pos] + 6 * clock.HOUR, c.delivered_at[pos] - 30 * clock.HOUR)
    t = lo + (rng.random(len(pos)) * (c.delivered_at[pos] - lo)).astype(np.int64)
    t = np.minimum(clock.into_hours(t, 7.5, 21, rng.random(len(pos))), c.delivered_at[pos])
    mask = np.where(c.privacy[pos], COURIER_PRIVACY_MASK, COURIER_MASK)
    parts.append(Events.single(t, c.courier[pos], op("view"), mask, pos))
    return parts


def platform(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> list[Events]:
    """Platform analysts search small random sets; platform CS opens orders under dispute."""
    pos = np.flatnonzero(rng.random(len(c)) < 0.006)
    t = clock.into_hours(c.created_at[pos] + (rng.random(len(pos)) * 10 * clock.DAY).astype(np.int64), 9.5, 19, rng.random(len(pos)))
    analyst = m.analysts[rng.integers(0, len(m.analysts), len(pos))]
    key = (t // (2 * clock.HOUR)) * 100 + np.searchsorted(m.analysts, analyst)
    parts = [Events.grouped(key, t, analyst, op("search"), ANALYST_MASK, pos)]
    dis = _repeat(rng, np.flatnonzero(c.dispute), 1, 1.0)
    t = clock.into_hours(c.delivered_at[dis] + (rng.random(len(dis)) * 5 * clock.DAY).astype(np.int64), 8, 22, rng.random(len(dis)))
    agent = m.platform_cs[rng.integers(0, len(m.platform_cs), len(dis))]
    dec = rng.random(len(dis)) < 0.3
    parts.append(Events.single(t, agent, op("view"), DISPUTE_MASK, dis))
    parts.append(Events.single(t[dec] + 90, agent[dec], op("decrypt"), PHONE_MASK, dis[dec]))
    return parts


def normal_reads(c: OrderChunk, m: Marketplace, rng: np.random.Generator) -> Events:
    """All the legitimate reads of a chunk's orders that happened before :data:`clock.END`."""
    parts: list[Events] = []
    for gen in (shop_cs, warehouse, shop_admin, isv_apps, carriers, platform):
        parts += gen(c, m, rng)
    ev = Events.concat(parts)
    return ev.keep(ev.ts < clock.END)

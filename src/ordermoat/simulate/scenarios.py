"""Leak scenarios: who leaks, from when to when, and how many orders that should expose.

A :class:`Leaker` is a plan made before any order exists; :mod:`.leaks` carries it out
while the orders are generated. Sizes aim at ``target_leak`` orders per leaker so that
even a 1% report rate yields a handful of reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ordermoat.simulate import clock
from ordermoat.simulate.geo import geography
from ordermoat.simulate.parties import Marketplace

__all__ = ["SCENARIOS", "LEAK_KINDS", "Leaker", "plan_leaks", "target_leak", "check_scenario"]

LEAK_KINDS: tuple[str, ...] = ("insider_bulk", "isv_compromise", "courier", "quiet_warehouse")
SCENARIOS: tuple[str, ...] = (*LEAK_KINDS, "mixed", "none")


@dataclass
class Leaker:
    """One leaking actor and its plan."""

    kind: str
    actor: int
    start: int
    end: int
    shop: int = -1  # insider at a shop: only that shop's orders; -1: any shop
    sessions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lookback: int = 0
    sample: float = 1.0
    taken: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # per session, so far


def check_scenario(scenario: str) -> None:
    """Raise ``ValueError`` for an unknown scenario name."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}")


def target_leak(orders: int) -> int:
    """How many orders one leaker should expose in a run of ``orders`` orders."""
    return int(np.clip(orders * 0.08, 250, 60_000))


def _share(t0: float, t1: float) -> float:
    """The share of all orders created in ``[t0, t1)``."""
    return float(np.diff(np.interp([t0, t1], clock._EDGES, clock._CDF))[0])


def _window(rng: np.random.Generator) -> tuple[int, int]:
    start = clock.START + int(rng.uniform(3, 10) * clock.DAY)
    return start, min(start + int(rng.uniform(35, 45) * clock.DAY), clock.END - 1)


def _insider(m: Marketplace, orders: int, rng: np.random.Generator) -> Leaker:
    days = np.sort(rng.choice(np.arange(18, clock.DAYS - 3), int(rng.integers(3, 6)), replace=False))
    sessions = clock.START + days * clock.DAY + int(22.5 * clock.HOUR) + rng.integers(0, 3 * clock.HOUR, len(days))
    if rng.random() < 0.5:
        shop = int(rng.choice(np.argsort(m.shop_weight)[-3:]))
        start, count, flat = m.cs
        actor, share, lookback = int(flat[start[shop] + rng.integers(0, count[shop])]), m.shop_weight[shop], 30
    else:
        shop, actor, share, lookback = -1, int(rng.choice(m.analysts)), 1.0, 12
    expected = orders * share * 0.975 * _share(sessions[0] - lookback * clock.DAY, sessions[-1])
    return Leaker(
        kind="insider_bulk",
        actor=actor,
        start=int(sessions[0]),
        end=int(sessions[-1] + 6 * clock.HOUR),
        shop=shop,
        sessions=sessions.astype(np.int64),
        lookback=lookback * clock.DAY,
        sample=float(min(1.0, target_leak(orders) / max(expected, 1.0))),
        taken=np.zeros(len(sessions), dtype=np.int64),
    )


def _isv(m: Marketplace, orders: int, rng: np.random.Generator) -> Leaker:
    served = np.array([m.shop_weight[m.shop_erp == a].sum() for a in m.erp_apps])
    app = int(m.erp_apps[np.argmax(served)])
    share = float(served[np.flatnonzero(m.erp_apps == app)[0]])
    start = clock.START + int(rng.uniform(8, 25) * clock.DAY)
    end = start + clock.DAY
    while end < min(start + 30 * clock.DAY, clock.END - clock.DAY) and orders * share * _share(start - 3 * clock.DAY, end) < target_leak(orders):
        end += clock.HOUR * 6
    return Leaker(kind="isv_compromise", actor=app, start=start, end=end)


def _courier(m: Marketplace, orders: int, rng: np.random.Generator) -> Leaker:
    n_car = len(m.carrier_ids)
    p_car = np.array([(m.shop_weight * (0.85 * (m.shop_carriers[:, 0] == c) + 0.15 * (m.shop_carriers[:, 1] == c))).sum() for c in range(n_car)])
    volume: dict[int, float] = {}
    w = geography().weight / geography().weight.sum()
    for c in np.flatnonzero(~m.carrier_privacy):
        for courier in np.unique(m.courier_of[c]):
            volume[int(courier)] = p_car[c] * w[m.courier_of[c] == courier].sum()
    return Leaker("courier", max(volume, key=volume.__getitem__), *_window(rng))


def _warehouse(m: Marketplace, orders: int, rng: np.random.Generator) -> Leaker:
    # The biggest shop; if it ships by privacy waybills, it is made to ship by a plain carrier
    # (the marketplace is per scenario), so that its prints show name and phone.
    shop = int(np.argmax(m.shop_weight))
    if m.carrier_privacy[m.shop_carriers[shop, 0]]:
        plain = np.flatnonzero(~m.carrier_privacy)
        m.shop_carriers[shop] = [plain[0], plain[1]]
    start, count, flat = m.warehouse
    return Leaker("quiet_warehouse", int(flat[start[shop] + rng.integers(0, count[shop])]), *_window(rng))


_PLANNERS = {"insider_bulk": _insider, "isv_compromise": _isv, "courier": _courier, "quiet_warehouse": _warehouse}


def plan_leaks(scenario: str, m: Marketplace, seed: int, orders: int) -> list[Leaker]:
    """The leakers of ``scenario`` (none for ``"none"``; three different kinds for ``"mixed"``)."""
    check_scenario(scenario)
    rng = np.random.default_rng([seed, 3])
    if scenario == "none":
        return []
    kinds = [scenario] if scenario != "mixed" else [LEAK_KINDS[i] for i in sorted(rng.choice(4, 3, replace=False))]
    return [_PLANNERS[k](m, orders, rng) for k in kinds]

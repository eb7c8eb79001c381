"""Running a simulation end to end: parties, orders in chunks, reads, leaks, logins, reports, truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ordermoat.simulate import clock
from ordermoat.simulate.access import normal_reads
from ordermoat.simulate.events import Events
from ordermoat.simulate.leaks import Ledger, insider_reads
from ordermoat.simulate.logins import buyer_logins, plan_stuffing, staff_logins, stuffing_logins
from ordermoat.simulate.orders import make_orders
from ordermoat.simulate.parties import build_marketplace
from ordermoat.simulate.scams import Report, leak_reports, make_groups, noise_reports, reports_table
from ordermoat.simulate.scenarios import check_scenario, plan_leaks
from ordermoat.simulate.writer import TableWriter

__all__ = ["simulate", "CHUNK_ORDERS", "DEFAULT_REPORT_RATE"]

#: Orders per chunk. Fixed, so that a seed gives the same data whatever the machine.
CHUNK_ORDERS = 250_000
DEFAULT_REPORT_RATE = 0.05
Progress = Callable[[str, int, int], None]


def _iso(t: int) -> str:
    return datetime.fromtimestamp(int(t), timezone(timedelta(hours=8))).isoformat()


def simulate(
    out_dir: Path,
    *,
    seed: int = 0,
    orders: int = 20_000,
    scenario: str = "mixed",
    fmt: str = "csv",
    report_rate: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a synthetic marketplace under ``out_dir`` and return its ground truth.

    Files: ``actors``, ``orders``, ``access``, ``logins`` and ``reports`` in ``fmt``
    (``csv``, ``jsonl`` or ``parquet``), plus ``truth.json``. The same arguments always
    give the same files.
    """
    check_scenario(scenario)
    if orders < 1:
        raise ValueError("orders must be at least 1")
    if fmt not in ("csv", "jsonl", "parquet"):
        raise ValueError(f"unknown format {fmt!r}; choose one of: csv, jsonl, parquet")
    rate = DEFAULT_REPORT_RATE if report_rate is None else float(report_rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError("report_rate must be between 0 and 1")
    note = progress or (lambda stage, done, total: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    market = build_marketplace(seed, orders)
    leakers = plan_leaks(scenario, market, seed, orders)
    ledger = Ledger(leakers, seed, orders)
    writers = {k: TableWriter(out_dir, k, fmt) for k in ("actors", "orders", "access", "logins", "reports")}
    try:
        writers["actors"].write(market.actors)
        n_chunks = -(-orders // CHUNK_ORDERS)
        n_events = n_logins = 0
        for k in range(n_chunks):
            note("orders", k, n_chunks)
            lo, hi = k * CHUNK_ORDERS, min(orders, (k + 1) * CHUNK_ORDERS)
            chunk = make_orders(market, seed, orders, lo, hi, k)
            table = chunk.table(market)
            writers["orders"].write(table)
            rng = np.random.default_rng([seed, 4, k])
            ev = Events.concat([normal_reads(chunk, market, rng), *(insider_reads(lk, chunk, seed) for lk in leakers)])
            ev = ev.sorted()
            ledger.capture(ev, chunk, table)
            order_id = table.column("order_id").combine_chunks()
            writers["access"].write(ev.table(order_id, market.ip, market.device_id, market.app_id, market.actor_ids, n_events))
            n_events += len(ev)
            logins = buyer_logins(chunk, seed, rng, n_logins)
            writers["logins"].write(logins)
            n_logins += logins.num_rows
        note("orders", n_chunks, n_chunks)

        staff = staff_logins(market, seed, n_logins)
        writers["logins"].write(staff)
        n_logins += staff.num_rows
        stuffing = plan_stuffing(seed, orders) if scenario != "none" else None
        compromised: list[str] = []
        if stuffing:
            burst, compromised = stuffing_logins(stuffing, seed, orders, n_logins)
            writers["logins"].write(burst)

        note("reports", 0, 1)
        reports, leaked_counts, groups = _reports(ledger, seed, orders, rate)
        reports.sort(key=lambda r: (r.reported_at, r.contacted_at))
        writers["reports"].write(reports_table(reports))
        note("reports", 1, 1)
    finally:
        for w in writers.values():
            w.close()

    actor_ids = market.actor_ids.to_pylist()
    party_ids = market.actors.column("party_id").to_pylist()
    roles = market.actors.column("role").to_pylist()
    sources = {f"r{i + 1:06d}": (None if r.source is None else actor_ids[leakers[r.source].actor]) for i, r in enumerate(reports)}
    truth: dict[str, Any] = {
        "seed": seed,
        "scenario": scenario,
        "orders": orders,
        "format": fmt,
        "report_rate": rate,
        "period": [_iso(clock.START), _iso(clock.END)],
        "leakers": [
            {
                "actor_id": actor_ids[lk.actor],
                "party_id": party_ids[lk.actor],
                "role": roles[lk.actor],
                "kind": lk.kind,
                "leaked_orders": leaked_counts[i],
                "window": [_iso(lk.start), _iso(lk.end)],
                "reports": sum(1 for r in reports if r.source == i),
                "scam_groups": [g.name for g in groups[i]],
            }
            for i, lk in enumerate(leakers)
        ],
        "report_sources": sources,
        "noise_report_ids": [rid for rid, src in sources.items() if src is None],
        "heavy_readers": sorted(actor_ids[a] for a in set(market.heavy_readers.tolist()) - {lk.actor for lk in leakers}),
        "privacy_carriers": [c for c, p in zip(market.carrier_ids, market.carrier_privacy, strict=True) if p],
        "credential_stuffing_ips": stuffing.ips if stuffing else [],
        "credential_stuffing": None
        if stuffing is None
        else {"window": [_iso(stuffing.start), _iso(stuffing.end)], "attempts": stuffing.attempts, "compromised_accounts": compromised},
        "counts": {k: w.rows for k, w in writers.items()},
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _reports(ledger: Ledger, seed: int, orders: int, rate: float) -> tuple[list[Report], list[int], dict[int, list]]:
    rng = np.random.default_rng([seed, 8])
    leaked = ledger.leaked()
    n = len(ledger.leakers)
    counts = [0] * n
    groups = {i: make_groups(rng, int(rng.integers(1, 3)), seed, f"leak{i + 1}") for i in range(n)}
    reports: list[Report] = []
    if leaked is not None:
        who = leaked.column("leaker").to_numpy()
        counts = [int((who == i).sum()) for i in range(n)]
        reports = leak_reports(rng, leaked, groups, rate)
    share = rng.uniform(0.12, 0.28)
    n_noise = round(len(reports) * share / (1 - share)) if reports else max(8, orders // 1000)
    noise_groups = make_groups(rng, int(rng.integers(4, 8)), seed, "other")
    reports += noise_reports(rng, ledger.noise_pool(), noise_groups, max(n_noise, 2), seed)
    return reports, counts, groups

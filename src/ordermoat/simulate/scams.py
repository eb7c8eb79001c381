"""Scam groups and the reports buyers file after their calls.

Each leak is sold to one or two groups; a group calls leaked buyers some days after the leak,
recites part of what the leak showed (sometimes misremembered) and talks them into loans and
QR-code "refunds". Unrelated groups call random buyers: their reports are noise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pyarrow as pa

from ordermoat.domain import ORDER_FIELDS, mask_fields
from ordermoat.simulate import clock, hashing
from ordermoat.simulate.catalog import catalog
from ordermoat.simulate.columns import money, timestamps
from ordermoat.simulate.people import mobiles, virtual_mobiles
from ordermoat.simulate.texts import LOAN_PLATFORMS, STYLES, transcript

__all__ = ["ScamGroup", "make_groups", "Report", "leak_reports", "noise_reports", "reports_table", "REPORT_COLUMNS"]

REPORT_COLUMNS = ("report_id", "reported_at", "order_id", "buyer_phone", "contacted_at", "channel", "caller_number",
                  "known_fields", "recited", "payee_account", "loan_platforms", "loss_amount", "transcript")  # fmt: skip
_CST = timezone(timedelta(hours=8))
_BANKS = ("工商银行", "农业银行", "建设银行", "中国银行", "邮储银行", "民生银行", "浦发银行")
_CHANNELS = ("app", "hotline", "web", "police")
_CHANNEL_P = np.array([0.45, 0.25, 0.15, 0.15])


@dataclass
class ScamGroup:
    name: str
    callers: list[str]
    payees: list[str]
    loans: list[str]
    style: str
    recall: dict[str, float]  # per field: how often the script recites it


@dataclass
class Report:
    reported_at: int
    contacted_at: int
    order_id: str | None
    buyer_phone: str | None
    channel: str
    caller: str
    known: list[str]
    recited: dict[str, str]
    payee: str | None
    loans: list[str]
    loss: float
    text: str
    source: int | None  # index of the leaker, None for noise


def make_groups(rng: np.random.Generator, n: int, seed: int, tag: str) -> list[ScamGroup]:
    """``n`` scam groups with their numbers, payee accounts, loan apps and script."""
    groups = []
    for g in range(n):
        keys = rng.integers(0, 1 << 40, 6)
        callers = virtual_mobiles(keys[:3], hashing.salt(seed, tag)).to_pylist() + mobiles(keys[3:5], hashing.salt(seed, tag)).to_pylist()
        callers.append(f"+852{int(rng.integers(5_000_0000, 9_999_9999))}")
        payees = [f"{_BANKS[int(rng.integers(0, len(_BANKS)))]} 6217{int(rng.integers(10**11, 10**12))}" for _ in range(2)]
        payees.append(f"收款码 {['鑫源', '汇通', '佳禾', '众诚', '恒达'][int(rng.integers(0, 5))]}商贸{int(rng.integers(1, 99))}号店")
        recall = dict(zip(ORDER_FIELDS, (0.9, 0.3, 0.35, 0.9, 0.5, 0.75), strict=True))
        recall = {k: float(np.clip(v + rng.normal(0, 0.08), 0.05, 0.98)) for k, v in recall.items()}
        groups.append(ScamGroup(f"{tag}-{g + 1}", callers[: int(rng.integers(2, 6))], payees,
                                [str(x) for x in rng.choice(LOAN_PLATFORMS, int(rng.integers(2, 4)), replace=False)],
                                STYLES[int(rng.integers(0, len(STYLES)))], recall))  # fmt: skip
    return groups


def _fmt_time(t: int) -> str:
    return datetime.fromtimestamp(int(t), _CST).strftime("%Y-%m-%d %H:%M:%S")


def _value(field: str, row: dict[str, Any]) -> str:
    v = row[field]
    if field == "created_at":
        return _fmt_time(int(v.timestamp()))
    return f"{v:.2f}" if field == "amount" else str(v)


def _wrong(field: str, row: dict[str, Any], rng: np.random.Generator) -> str:
    """A misremembered value of ``field``."""
    if field == "created_at":
        return _fmt_time(int(row["created_at"].timestamp()) + int(rng.integers(1, 30)) * clock.HOUR * int(rng.choice([-1, 1])))
    if field == "amount":
        return f"{float(row['amount']) * rng.uniform(0.5, 0.9):.2f}"
    if field == "item_title":
        titles = catalog().titles
        return next(t for t in rng.permutation(titles) if t != row["item_title"])
    if field == "buyer_name":
        return ("王" if row["buyer_name"][0] != "王" else "李") + row["buyer_name"][1:]
    if field == "buyer_phone":
        return row["buyer_phone"][:-1] + str((int(row["buyer_phone"][-1]) + 1) % 10)
    return row["address"][:-6] + "附近"


def _report(rng: np.random.Generator, row: dict[str, Any], available: list[str], g: ScamGroup,
            contacted: int, source: int | None, with_order: float = 0.85) -> Report:  # fmt: skip
    known = [f for f in available if rng.random() < g.recall[f]]
    if not known:
        known = [next((f for f in ("item_title", "buyer_name", "created_at") if f in available), available[0])]
    slip = known.pop(int(rng.integers(0, len(known)))) if len(known) > 1 and rng.random() < 0.15 else None
    recited = {f: _value(f, row) for f in known}
    if "created_at" in recited and rng.random() < 0.3:
        recited["created_at"] = recited["created_at"][:16]  # remembered to the minute
    if slip:
        recited[slip] = _wrong(slip, row, rng)
    if rng.random() < 0.3:
        known.append("order_id")
        recited["order_id"] = row["order_id"]
    has_order = rng.random() < with_order
    loss = float(np.round(np.clip(rng.lognormal(np.log(6000), 1.0), 100, 300_000), -1)) if rng.random() < 0.45 else 0.0
    payee = g.payees[int(rng.integers(0, len(g.payees)))] if loss > 0 or rng.random() < 0.3 else None
    loans = [str(x) for x in rng.choice(g.loans, int(rng.integers(1, 3)), replace=False)] if rng.random() < 0.8 else []
    caller = g.callers[int(rng.integers(0, len(g.callers)))]
    return Report(
        reported_at=contacted + int(np.clip(rng.lognormal(np.log(3 * clock.HOUR), 1.2), 300, 10 * clock.DAY)),
        contacted_at=contacted,
        order_id=row["order_id"] if has_order else None,
        buyer_phone=row["buyer_phone"] if (not has_order or rng.random() < 0.9) else None,
        channel=_CHANNELS[int(rng.choice(4, p=_CHANNEL_P))],
        caller=caller,
        known=known,
        recited=recited,
        payee=payee,
        loans=loans,
        loss=loss,
        text=transcript(rng, g.style, recited, loans, payee, loss, caller),
        source=source,
    )


def leak_reports(rng: np.random.Generator, leaked: pa.Table, groups: dict[int, list[ScamGroup]], report_rate: float) -> list[Report]:
    """Reports from buyers whose leaked orders were called, ``report_rate`` of them."""
    mask = leaked.column("read_mask").to_numpy()
    callable_ = (mask & (1 << ORDER_FIELDS.index("buyer_phone"))) > 0
    chosen = np.flatnonzero(callable_ & (rng.random(len(mask)) < report_rate))
    sub = leaked.take(pa.array(chosen)).to_pylist()
    if not sub:
        return []
    delay = (rng.uniform(1, 10, len(sub)) * clock.DAY).astype(np.int64)
    contacted = clock.into_hours(np.array([r["read_ts"] for r in sub]) + delay, 9, 21, rng.random(len(sub)))
    out = []
    for row, t in zip(sub, contacted, strict=True):
        gs = groups[row["leaker"]]
        out.append(_report(rng, row, mask_fields(row["read_mask"]), gs[int(rng.integers(0, len(gs)))], int(t), row["leaker"]))
    return [r for r in out if r.reported_at < clock.END]


def noise_reports(rng: np.random.Generator, pool: pa.Table, groups: list[ScamGroup], n: int, seed: int) -> list[Report]:
    """``n`` reports of scams unrelated to any leak: random buyers, other groups, random times."""
    rows = pool.take(pa.array(rng.integers(0, pool.num_rows, n))).to_pylist() if pool.num_rows else []
    strangers = mobiles(rng.integers(0, 1 << 40, n), hashing.salt(seed, "stranger")).to_pylist()
    out = []
    for i, row in enumerate(rows):
        created = int(row["created_at"].timestamp())
        lo = max(created + clock.DAY, clock.START + 3 * clock.DAY)
        t = int(clock.into_hours(np.array([lo + int(rng.random() * max(clock.END - lo, 1))]), 9, 21, rng.random(1))[0])
        available = [f for f in ORDER_FIELDS if rng.random() < 0.5] or ["buyer_name"]
        if rng.random() < 0.25:  # a buyer from outside this marketplace's data
            row = {**row, "order_id": None, "buyer_phone": strangers[i]}
        rep = _report(rng, row, available, groups[int(rng.integers(0, len(groups)))], t, None,
                      with_order=0.0 if row["order_id"] is None else 0.85)  # fmt: skip
        if row["order_id"] is None:
            rep.known = [f for f in rep.known if f != "order_id"]
            rep.recited.pop("order_id", None)
        out.append(rep)
    return [r for r in out if r.reported_at < clock.END]


def reports_table(reports: list[Report]) -> pa.Table:
    """The contract's ``reports`` columns (reports already in their final order)."""
    n = len(reports)
    col = lambda name: [getattr(r, name) for r in reports]  # noqa: E731
    return pa.table(
        {
            "report_id": pa.array([f"r{i + 1:06d}" for i in range(n)], pa.string()),
            "reported_at": timestamps(np.array(col("reported_at"), dtype=np.int64)),
            "order_id": pa.array(col("order_id"), pa.string()),
            "buyer_phone": pa.array(col("buyer_phone"), pa.string()),
            "contacted_at": timestamps(np.array(col("contacted_at"), dtype=np.int64)),
            "channel": pa.array(col("channel"), pa.string()),
            "caller_number": pa.array(col("caller"), pa.string()),
            "known_fields": pa.array(col("known"), pa.list_(pa.string())),
            "recited": pa.array([json.dumps(r.recited, ensure_ascii=False) for r in reports], pa.string()),
            "payee_account": pa.array(col("payee"), pa.string()),
            "loan_platforms": pa.array(col("loans"), pa.list_(pa.string())),
            "loss_amount": money(np.array(col("loss"), dtype=np.float64) * 100),
            "transcript": pa.array(col("text"), pa.string()),
        }
    )

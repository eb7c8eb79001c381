"""Gathering ``trace``'s inputs from the store: reports, the orders each can refer to, actors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import and_, select

from ordermoat.domain import ORDER_FIELDS, field_mask
from ordermoat.store import Store
from ordermoat.store.schema import actors, orders, reports

__all__ = ["TraceInputs", "load_inputs"]


@dataclass(slots=True)
class TraceInputs:
    """Reports (index ``r`` = row), the orders each may refer to, and who is who."""

    reports: pd.DataFrame  # report_id, order_id, contacted_at (UTC), need_mask, caller_number, ...
    report_orders: pa.Table  # r, order_id, contacted_at, need_mask
    report_order_count: np.ndarray  # m_r (0 when nothing could be resolved)
    party_of: dict[str, str]  # actor → party
    party_kind: dict[str, str]  # party → kind
    n_orders: int


def _json_list(text: str | None) -> list[str]:
    if not isinstance(text, str) or not text:
        return []
    value = json.loads(text)
    return [str(v) for v in value] if isinstance(value, list) else []


PHONE_BIT = field_mask(["buyer_phone"])


def load_inputs(store: Store, *, phone_implied: bool = True) -> TraceInputs:
    """Reports and what they need. With ``phone_implied``, a report with a caller number
    needs ``buyer_phone`` too: the scammer reached the buyer, so the source had the phone."""
    rows = store.fetch(select(reports).order_by(reports.c.report_id))
    df = pd.DataFrame(rows, columns=[c.name for c in reports.columns], dtype=object)
    df["known_fields"] = [_json_list(v) for v in df["known_fields"]]
    df["loan_platforms"] = [_json_list(v) for v in df["loan_platforms"]]
    need = [field_mask([f for f in kf if f in ORDER_FIELDS]) if kf else 0 for kf in df["known_fields"]]
    if phone_implied:
        need = [n | PHONE_BIT if isinstance(c, str) and c else n for n, c in zip(need, df["caller_number"], strict=True)]
    df["need_mask"] = need
    df["contacted_at"] = pd.to_datetime(df["contacted_at"]).dt.tz_localize(UTC)
    r_of = {rid: i for i, rid in enumerate(df["report_id"])}

    # Reports that name the order refer to it; phone-only reports to that buyer's orders
    # placed before the contact.
    pairs = [(i, oid) for i, oid in enumerate(df["order_id"]) if oid]
    by_phone = store.fetch(
        select(reports.c.report_id, orders.c.order_id)
        .join(orders, and_(orders.c.buyer_phone == reports.c.buyer_phone, orders.c.created_at <= reports.c.contacted_at))
        .where(reports.c.order_id.is_(None))
    )
    pairs += [(r_of[row["report_id"]], row["order_id"]) for row in by_phone]
    r_idx = np.array([p[0] for p in pairs], dtype=np.int64)
    m = np.bincount(r_idx, minlength=len(df)).astype(np.int64)
    report_orders = pa.table(
        {
            "r": pa.array(r_idx, pa.int64()),
            "order_id": pa.array([p[1] for p in pairs], pa.string()),
            "contacted_at": pa.array(df["contacted_at"].iloc[r_idx].tolist() if len(r_idx) else [], pa.timestamp("us", tz="UTC")),
            "need_mask": pa.array(df["need_mask"].iloc[r_idx].tolist() if len(r_idx) else [], pa.int16()),
        }
    )
    actor_rows = store.fetch(select(actors.c.actor_id, actors.c.party_id, actors.c.party_kind))
    return TraceInputs(
        reports=df,
        report_orders=report_orders,
        report_order_count=m,
        party_of={a["actor_id"]: a["party_id"] for a in actor_rows},
        party_kind={a["party_id"]: a["party_kind"] for a in actor_rows},
        n_orders=store.count("orders"),
    )

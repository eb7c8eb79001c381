"""``detect``: run the detectors over the lake batches not processed yet.

The watermark is per lake batch (an ingest), not per timestamp, so events that arrive late
are still judged. New events are judged against a history window of ``lookback_days``
before them, read with a timestamp filter that Parquet statistics let the engine prune;
a run's cost follows the new data and the lookback, not the whole lake. Alerts get ids
from what they are about (kind, subject, window), so a re-run stores nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import select

from ordermoat.detect.base import ALERT_SCHEMA, Context, Detector, load_detectors
from ordermoat.detect.risk import STEP_UP, Session, sessions
from ordermoat.lake import Engine
from ordermoat.lake.layout import batch_ids
from ordermoat.store import Store
from ordermoat.store.schema import actors as actors_table
from ordermoat.store.schema import alerts as alerts_table
from ordermoat.store.schema import detect_batches
from ordermoat.store.schema import orders as orders_table

__all__ = ["DetectResult", "run_detect", "stored_alerts", "alert_id", "LOOKBACK_DAYS"]

LOOKBACK_DAYS = 28
Progress = Callable[[str, int, int | None], None]


@dataclass(slots=True)
class DetectResult:
    alerts: list[dict[str, Any]]
    sessions: list[Session]
    events: dict[str, int] = field(default_factory=dict)  # new events judged, per kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "alerts": [_contract(a) for a in self.alerts],
            "sessions": [s.to_dict() for s in self.sessions],
            "events": dict(self.events),
        }


def _contract(a: dict[str, Any]) -> dict[str, Any]:
    keys = ("alert_id", "kind", "subject_type", "subject_id", "score", "window_start", "window_end", "reason")
    return {k: (a[k].isoformat() if isinstance(a[k], datetime) else a[k]) for k in keys}


def alert_id(kind: str, subject_type: str, subject_id: str, window_start: datetime) -> str:
    key = "\x1f".join([kind, subject_type, subject_id, window_start.astimezone(UTC).isoformat()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_detect(
    store: Store,
    engine: Engine,
    *,
    full: bool = False,
    lookback_days: int = LOOKBACK_DAYS,
    step_up: float = STEP_UP,
    detectors: list[Detector] | None = None,
    progress: Progress | None = None,
) -> DetectResult:
    """Judge new events (every event with ``full``); store and return the new alerts."""
    chosen = load_detectors() if detectors is None else detectors
    actor_rows = store.fetch(select(actors_table.c.actor_id, actors_table.c.party_id, actors_table.c.party_kind, actors_table.c.role))
    actors = engine.memtable(pa.Table.from_pylist(actor_rows), "detect_actors") if actor_rows else None
    done = set() if full else {(r["kind"], r["batch_id"]) for r in store.fetch(select(detect_batches))}
    found: list[pa.Table] = []
    events: dict[str, int] = {}
    processed: list[tuple[str, str]] = []
    kinds = sorted({d.source for d in chosen})
    for i, kind in enumerate(kinds):
        new_ids = [b for b in batch_ids(engine.root, kind) if (kind, b) not in done]
        if progress:
            progress(f"detect {kind}", i, len(kinds))
        if not new_ids:
            continue
        new = engine.batches(kind, new_ids)
        everything = engine.table(kind)
        if new is None or everything is None:
            continue
        span = engine.to_arrow(new.aggregate(lo=new.ts.min(), hi=new.ts.max(), n=new.count())).to_pylist()[0]
        events[kind] = int(span["n"])
        processed += [(kind, b) for b in new_ids]
        if not span["n"]:
            continue
        lo = _utc(span["lo"]) - timedelta(days=lookback_days)
        hi = _utc(span["hi"])
        history = everything.filter((everything.ts >= ibis.literal(lo)) & (everything.ts <= ibis.literal(hi)))
        params: dict[str, Any] = {"access": engine.table("access")} if kind == "logins" else {}
        if any(d.needs_orders for d in chosen if d.source == kind):
            params["orders"] = _delivered(store, engine)
        ctx = Context(actors=actors, params=params)
        for det in (d for d in chosen if d.source == kind):
            expr = det.detect(new, history, ctx)
            found.append(engine.to_arrow(expr.select(*ALERT_SCHEMA.names)).cast(ALERT_SCHEMA))
    fresh = _store_alerts(store, pa.concat_tables(found) if found else ALERT_SCHEMA.empty_table(), processed)
    return DetectResult(fresh, sessions(fresh, step_up), events)


def _delivered(store: Store, engine: Engine) -> Any:
    """``order_id, delivered_at`` (UTC) of delivered orders, as an engine table."""
    rows = store.fetch(select(orders_table.c.order_id, orders_table.c.delivered_at).where(orders_table.c.delivered_at.is_not(None)))
    table = pa.table(
        {
            "order_id": pa.array([r["order_id"] for r in rows], pa.string()),
            "delivered_at": pa.array([_utc(r["delivered_at"]) for r in rows], pa.timestamp("us", tz="UTC")),
        }
    )
    return engine.memtable(table, "detect_delivered")


def _store_alerts(store: Store, table: pa.Table, processed: list[tuple[str, str]]) -> list[dict[str, Any]]:
    rows = table.to_pylist()
    now = datetime.now(UTC).replace(tzinfo=None)
    for r in rows:
        r["window_start"], r["window_end"] = _utc(r["window_start"]), _utc(r["window_end"])
        r["alert_id"] = alert_id(r["kind"], r["subject_type"], r["subject_id"], r["window_start"])
        r["score"] = float(min(1.0, max(0.0, r["score"])))
    unique = list({r["alert_id"]: r for r in rows}.values())
    with store.transaction() as conn:
        known: set[str] = set()
        ids = [r["alert_id"] for r in unique]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            known |= {x for (x,) in conn.execute(select(alerts_table.c.alert_id).where(alerts_table.c.alert_id.in_(part)))}
        fresh = [r for r in unique if r["alert_id"] not in known]
        store.insert(conn, alerts_table, [
            {**{k: v for k, v in r.items()}, "window_start": r["window_start"].replace(tzinfo=None),
             "window_end": r["window_end"].replace(tzinfo=None), "created_at": now}
            for r in fresh
        ])
        store.insert(conn, detect_batches, [{"kind": k, "batch_id": b, "processed_at": now} for k, b in processed
                                            if not _seen(conn, k, b)])
    return sorted(fresh, key=lambda r: (-r["score"], r["window_start"], r["alert_id"]))


def _seen(conn: Any, kind: str, batch: str) -> bool:
    q = select(detect_batches.c.batch_id).where(detect_batches.c.kind == kind, detect_batches.c.batch_id == batch)
    return conn.execute(q).first() is not None


def stored_alerts(store: Store) -> list[dict[str, Any]]:
    """Every alert in the store, newest window first."""
    rows = store.fetch(select(alerts_table).order_by(alerts_table.c.window_start.desc(), alerts_table.c.alert_id))
    for r in rows:
        r["window_start"], r["window_end"] = _utc(r["window_start"]), _utc(r["window_end"])
    return rows

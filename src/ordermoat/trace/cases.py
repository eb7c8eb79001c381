"""From attribution figures to cases a person can check, and their storage.

One case per accused account, holding the reports it is named the source of; then one
case per accused party whose remaining reports no single account of it explains (a
dispatcher and its courier who read the same parcels); every other report is
unexplained. Each case lists the campaigns its reports belong to. Evidence lines name reports, orders and times, never buyer data.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from sqlalchemy import delete

from ordermoat.domain import Case, Suspect, TraceResult, mask_fields
from ordermoat.store import Store
from ordermoat.store.schema import case_exposures, cases, trace_runs
from ordermoat.trace.attribution import Attribution, SubjectFigures
from ordermoat.trace.inputs import TraceInputs

if TYPE_CHECKING:
    from ordermoat.trace.pipeline import Levels

__all__ = ["build_cases", "save_result"]

CST = timezone(timedelta(hours=8))
_MAX_SUSPECTS = 10
_MAX_REPORT_LINES = 5


def _fmt_ts(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S+08:00")


def _evidence(s: SubjectFigures, reports: list[int], inputs: TraceInputs, hits: pa.Table, att: Attribution) -> list[str]:
    n = len(inputs.reports)
    lines = [
        f"read {s.hits} of the {n} reported orders before the scam contact, with the fields the callers "
        f"recited; {s.expected:.3g} expected by chance",
        f"p ≤ {s.p_value:.2e} that an actor not leaking hits this often, given the other suspects "
        f"(threshold {att.threshold:.2e} = {att.alpha:g} / {att.n_tests:,} tests)",
    ]
    mine = hits.filter(pa.compute.equal(hits["actor_id"], s.subject_id)) if hits.num_rows else hits
    if mine.num_rows:
        ops = Counter(mine["operation"].to_pylist())
        lines.append("reads of the reported orders by operation: " + ", ".join(f"{op}×{k}" for op, k in ops.most_common()))
        by_r = {r: i for i, r in enumerate(mine["r"].to_pylist())}
        for r in reports[:_MAX_REPORT_LINES]:
            i = by_r.get(r)
            if i is None:
                continue
            rep = inputs.reports.iloc[r]
            need = mask_fields(int(rep["need_mask"])) or ["(none named)"]
            lines.append(
                f"report {rep['report_id']}: order {rep['order_id'] or '(by phone)'} read {_fmt_ts(mine['first_read'][i].as_py())} "
                f"({mine['operation'][i].as_py()}), contact {_fmt_ts(rep['contacted_at'])}, caller recited {', '.join(need)}"
            )
        if len(reports) > _MAX_REPORT_LINES:
            lines.append(f"... and {len(reports) - _MAX_REPORT_LINES} more reports")
    return lines


def _party_evidence(p: SubjectFigures, reports: list[int], att: Attribution | None, patt: Attribution) -> list[str]:
    return [
        f"the accounts of {p.subject_id} together read {p.hits} reported orders before the contact; "
        f"{(p.expected_conditional or p.expected):.3g} expected by chance",
        f"p ≤ {p.p_value:.2e} (threshold {patt.threshold:.2e}); no single account of the party clears the bound, "
        f"so the party is named, not a person",
    ]


def _suspect(s: SubjectFigures, evidence: list[str], level: str) -> Suspect:
    expected = s.expected if s.expected_conditional is None else s.expected_conditional
    if not evidence and s.explained_by:
        evidence = [f"hits explained by {s.explained_by}"]
    return Suspect(
        actor_id=s.subject_id if level == "actor" else None,
        party_id=s.party_id if level == "actor" else s.subject_id,
        accused=s.accused,
        hits=s.hits,
        expected=expected,
        p_value=s.p_value,
        evidence=evidence,
    )


def _others(att: Attribution | None, reports: set[int], exclude: set[str], level: str) -> list[Suspect]:
    if att is None:
        return []
    ranked = [s for s in att.ranked() if s.subject_id not in exclude and reports.intersection(s.hit_reports)]
    return [_suspect(s, [], level) for s in ranked[:_MAX_SUSPECTS]]


def build_cases(inputs: TraceInputs, levels: Levels, campaigns: np.ndarray, exposed: pa.Table, *, alpha: float) -> TraceResult:
    att, patt = levels.actor, levels.party
    report_ids = inputs.reports["report_id"].tolist()
    out: list[Case] = []
    taken: set[int] = set()
    exposed_by: dict[str, list[str]] = {}
    for a, o in zip(exposed["actor_id"].to_pylist(), exposed["order_id"].to_pylist(), strict=True):
        exposed_by.setdefault(a, []).append(o)

    if att is not None:
        for s in sorted(att.accused, key=lambda s: s.log10_p_conditional or s.log10_p_marginal):
            mine = [int(r) for r in att.assigned_reports(s.subject_id)]
            if not mine:
                continue
            taken.update(mine)
            suspects = [_suspect(s, _evidence(s, mine, inputs, levels.hit_rows, att), "actor")]
            suspects += _others(att, set(mine), {s.subject_id}, "actor")
            exposed_ids = sorted(exposed_by.get(s.subject_id, []))
            out.append(
                Case(
                    case_id=f"c{len(out) + 1}",
                    report_ids=[report_ids[r] for r in mine],
                    suspects=suspects,
                    exposed_orders=len(exposed_ids),
                    party_suspects=_others(patt, set(mine), set(), "party"),
                    exposed_order_ids=exposed_ids,
                )
            )

    # A party accused where no single account could be: its remaining reports form a case.
    if patt is not None:
        named = {s.party_id for s in att.accused} if att is not None else set()
        for p in sorted(patt.accused, key=lambda s: s.log10_p_conditional or s.log10_p_marginal):
            if p.subject_id in named:
                continue  # an account of this party is accused already: its case says so
            mine = [int(r) for r in patt.assigned_reports(p.subject_id) if int(r) not in taken]
            if not mine:
                continue
            taken.update(mine)
            party = _suspect(p, _party_evidence(p, mine, att, patt), "party")
            out.append(
                Case(
                    case_id=f"c{len(out) + 1}",
                    report_ids=[report_ids[r] for r in mine],
                    suspects=_others(att, set(mine), set(), "actor"),
                    exposed_orders=0,
                    party_suspects=[party, *_others(patt, set(mine), {p.subject_id}, "party")],
                )
            )
    for case in out:
        rows = [report_ids.index(rid) for rid in case.report_ids]
        case.campaigns = sorted({str(campaigns[r]) for r in rows}) if len(campaigns) else []
    unexplained = [report_ids[r] for r in range(len(report_ids)) if r not in taken]
    threshold = att.threshold if att else alpha / levels.n_tests
    candidates: dict[str, list[str]] = {rid: [] for rid in report_ids}
    hit_rows = levels.hit_rows
    if hit_rows.num_rows:
        order = pa.compute.sort_indices(hit_rows, [("r", "ascending"), ("first_read", "ascending")])
        for r, actor in zip(hit_rows["r"].take(order).to_pylist(), hit_rows["actor_id"].take(order).to_pylist(), strict=True):
            candidates[report_ids[r]].append(actor)
    return TraceResult(
        cases=out,
        unexplained_report_ids=sorted(unexplained),
        alpha=alpha,
        tests=levels.n_tests,
        threshold=threshold,
        campaigns=len(set(campaigns.tolist())) if len(campaigns) else 0,
        report_candidates=candidates,
    )


def save_result(store: Store, result: TraceResult) -> str:
    """Replace the stored cases with this run's; returns the run id."""
    run_id = uuid.uuid4().hex[:16]
    with store.transaction() as conn:
        conn.execute(delete(case_exposures))
        conn.execute(delete(cases))
        conn.execute(
            trace_runs.insert(),
            {
                "run_id": run_id,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
                "alpha": result.alpha,
                "tests": result.tests,
                "threshold": result.threshold,
                "result": json.dumps(result.to_dict(), ensure_ascii=False),
            },
        )
        store.insert(conn, cases, [
            {"case_id": c.case_id, "run_id": run_id, "payload": json.dumps(c.to_dict(), ensure_ascii=False)}
            for c in result.cases
        ])
        store.insert(conn, case_exposures, [
            {"case_id": c.case_id, "order_id": o} for c in result.cases for o in c.exposed_order_ids
        ])
    return run_id

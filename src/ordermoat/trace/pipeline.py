"""``trace`` end to end: inputs from the store, aggregates from the engine, statistics in
Python, cases back into the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.domain import TraceResult
from ordermoat.lake import Engine
from ordermoat.store import Store
from ordermoat.trace import queries
from ordermoat.trace.attribution import Attribution, decide, screen
from ordermoat.trace.conditional import mixture_fit
from ordermoat.trace.mixture import Coverage
from ordermoat.trace.campaigns import link_campaigns
from ordermoat.trace.cases import build_cases, save_result
from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.inputs import TraceInputs, load_inputs

__all__ = ["run_trace", "analyse", "build_hits", "coverage", "overlap_fn", "Analysis", "Levels"]

Progress = Callable[[str, int, int | None], None]
#: Subjects with a marginal p at or below this enter the mixture model as possible sources.
T_SCREEN = 1e-3
_STEPS = 6


@dataclass(slots=True)
class Levels:
    """Attribution at actor and at party level, with the raw hit rows for evidence."""

    actor: Attribution | None
    party: Attribution | None
    hit_rows: pa.Table
    n_tests: int


def _members(ids: Sequence[str], party_of: dict[str, str], level: str) -> pa.Table:
    if level == "actor":
        return pa.table({"actor_id": pa.array(list(ids), pa.string()), "subject": pa.array(list(ids), pa.string())})
    wanted = set(ids)
    pairs = [(a, p) for a, p in party_of.items() if p in wanted]
    return pa.table({"actor_id": pa.array([a for a, _ in pairs], pa.string()), "subject": pa.array([p for _, p in pairs], pa.string())})


def overlap_fn(engine: Engine, party_of: dict[str, str], level: str) -> Callable[[Sequence[str]], np.ndarray]:
    """``|R_a & R_b|`` without field detail, for the other conditional modes (benchmarks)."""

    def overlap(ids: Sequence[str]) -> np.ndarray:
        pos = {s: i for i, s in enumerate(ids)}
        ov = queries.overlaps(engine, _members(ids, party_of, level))
        out = np.zeros((len(ids), len(ids)))
        for a, b, n in zip(ov["a"].to_pylist(), ov["b"].to_pylist(), ov["n"].to_pylist(), strict=True):
            out[pos[a], pos[b]] = out[pos[b], pos[a]] = n
        return out

    return overlap


def coverage(engine: Engine, ids: Sequence[str], party_of: dict[str, str], level: str, need: np.ndarray) -> Coverage:
    """Field-aware read-set sizes and overlaps of ``ids`` for each need mask in ``need``."""
    rows = queries.coverage_counts(engine, _members(ids, party_of, level))
    classes, cls = np.unique(need.astype(np.int64), return_inverse=True)
    pos = {s: i for i, s in enumerate(ids)}
    k = len(ids)
    ov = np.zeros((k, k, len(classes)))
    a = np.array([pos[x] for x in rows["a"].to_pylist()], dtype=np.int64)
    b = np.array([pos[x] for x in rows["b"].to_pylist()], dtype=np.int64)
    sa, sb, n = (rows[c].to_numpy().astype(np.int64) for c in ("seen_a", "seen_b", "n"))
    for c, mask in enumerate(classes):
        both = ((sa & mask) == mask) & ((sb & mask) == mask)
        np.add.at(ov[:, :, c], (a[both], b[both]), n[both])
        off = both & (a != b)
        np.add.at(ov[:, :, c], (b[off], a[off]), n[off])
    size = np.stack([np.diagonal(ov[:, :, c]) for c in range(len(classes))], axis=1) if k else np.zeros((0, len(classes)))
    return Coverage(cls.astype(np.int64), size, ov)


def build_hits(
    engine: Engine, inputs: TraceInputs, subj_of_hit: np.ndarray, r_of_hit: np.ndarray, level: str
) -> SubjectHits | None:
    """The hit matrix of one level (actors or parties), with read sizes from the engine."""
    if len(subj_of_hit) == 0:
        return None
    ids, s_idx = np.unique(subj_of_hit.astype(str), return_inverse=True)
    sizes = queries.read_sizes(engine, _members(list(ids), inputs.party_of, level))
    size_of = dict(zip(sizes["subject"].to_pylist(), sizes["n"].to_pylist(), strict=True))
    read_size = np.array([size_of.get(s, 0) for s in ids], dtype=np.int64)
    n_orders = max(inputs.n_orders, int(read_size.max(initial=0)), 1)
    hits = SubjectHits.from_pairs(
        list(ids),
        s_idx,
        r_of_hit,
        read_size=read_size,
        n_orders=n_orders,
        report_orders=np.maximum(inputs.report_order_count, 1),
        party_of=[inputs.party_of.get(s) for s in ids] if level == "actor" else None,
    )
    return hits


def _attribute(engine: Engine, inputs: TraceInputs, hits: SubjectHits | None, level: str, n_tests: int, alpha: float) -> Attribution | None:
    if hits is None:
        return None
    scr = screen(hits, t_screen=T_SCREEN)
    cover = coverage(engine, scr.candidate_ids, inputs.party_of, level, inputs.reports["need_mask"].to_numpy())
    return decide(scr, mixture_fit(hits, scr.candidates, cover), n_tests=n_tests, alpha=alpha, mode="mixture")


@dataclass(slots=True)
class Analysis:
    """Everything one trace computed: the result and what it rests on."""

    inputs: TraceInputs
    levels: Levels
    actor_hits: SubjectHits | None
    result: TraceResult


def run_trace(store: Store, engine: Engine, *, alpha: float, progress: Progress | None = None) -> TraceResult:
    """Attribute every report in the store; persist and return the cases."""
    analysis = analyse(store, engine, alpha=alpha, progress=progress)
    save_result(store, analysis.result)
    return analysis.result


def analyse(store: Store, engine: Engine, *, alpha: float, progress: Progress | None = None) -> Analysis:
    """Attribute every report in the store, without saving anything."""
    step = (lambda name, i: progress(name, i, _STEPS)) if progress else (lambda name, i: None)
    step("load reports", 0)
    inputs = load_inputs(store)
    if inputs.n_orders == 0 and engine.table("access") is not None:
        inputs.n_orders = queries.distinct_count(engine, "access", "order_id")
    n_actors = max(len(inputs.party_of), queries.distinct_count(engine, "access", "actor_id"))
    n_tests = max(1, n_actors + len(set(inputs.party_of.values())))

    step("find who read the reported orders", 1)
    hit_rows = queries.report_hits(engine, inputs.report_orders)
    actor_of_hit = np.asarray(hit_rows["actor_id"].to_pylist(), dtype=object)
    r_of_hit = hit_rows["r"].to_numpy() if hit_rows.num_rows else np.zeros(0, np.int64)

    step("test actors", 2)
    actor_hits = build_hits(engine, inputs, actor_of_hit, r_of_hit, "actor")
    actor_level = _attribute(engine, inputs, actor_hits, "actor", n_tests, alpha)
    step("test parties", 3)
    party_of_hit = np.asarray([inputs.party_of.get(a) for a in actor_of_hit], dtype=object)
    known = party_of_hit != None  # noqa: E711 - elementwise
    party_hits = build_hits(engine, inputs, party_of_hit[known], r_of_hit[known], "party")
    party_level = _attribute(engine, inputs, party_hits, "party", n_tests, alpha)

    step("link campaigns", 4)
    campaigns = link_campaigns(inputs.reports) if len(inputs.reports) else np.array([], dtype=object)

    step("build cases", 5)
    levels = Levels(actor_level, party_level, hit_rows, n_tests)
    accused = [s.subject_id for s in actor_level.accused] if actor_level else []
    exposed = queries.orders_read(engine, accused)
    reported = pa.array(inputs.report_orders["order_id"].to_pylist() or [], pa.string())
    exposed = exposed.filter(pc.invert(pc.is_in(exposed["order_id"], value_set=reported)))
    result = build_cases(inputs, levels, campaigns, exposed, alpha=alpha)
    step("done", 6)
    return Analysis(inputs, levels, actor_hits, result)

"""The default decision: accuse sources one at a time, each explaining its reports away.

Round by round, on the reports no accused source has claimed yet:

1. Every subject is tested marginally (see :func:`~ordermoat.trace.attribution.screen`),
   with its read share taken among the orders the accused have not read
   (``q' = |R_s| / (N - sum |R_accused|)``, an upper bound on the true share).
2. Of the subjects whose p clears the per-test threshold, the most *specific* one (the
   smallest reader) is taken first: a leaker's reports are a bigger share of its own reads
   than of any superset reader's (an ERP app, a dispatcher).
3. Before it is accused it must also beat every *rival*: each subject that is itself
   significant at the screen level and co-hit at least half of its reports. Given the
   rival as the source, the candidate would hit a random order of the rival's with
   probability ``|R_a & R_b| / |R_b|`` (the conditional null of
   :mod:`~ordermoat.trace.conditional`); the candidate's p under that null must clear the
   threshold too. Two accounts whose reads nearly coincide therefore accuse neither
   (their party is still tested at party level).
4. The accused source claims every unclaimed report it hit; the next round starts.

The threshold is ``alpha / (n_tests * max_sources)``: a union bound over every subject in
every round, so the chance of any false accusation in a run stays below ``alpha`` under
the null stated in ``docs/trace-statistics.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ordermoat.trace.attribution import Attribution, SubjectFigures, screen
from ordermoat.trace.conditional import fit_conditional
from ordermoat.trace.hits import SubjectHits

__all__ = ["explain_away"]

OverlapFn = Callable[[Sequence[str]], ArrayLike]


class _Overlaps:
    """Pairwise ``|R_a & R_b|`` from the engine, asked for once per pair."""

    def __init__(self, fn: OverlapFn) -> None:
        self.fn, self.known = fn, {}  # type: ignore[var-annotated]

    def matrix(self, ids: list[str]) -> NDArray[np.float64]:
        missing = [(a, b) for a in ids for b in ids if a < b and (a, b) not in self.known]
        if missing:
            ov = np.asarray(self.fn(ids), dtype=np.float64)
            for i, a in enumerate(ids):
                for j, b in enumerate(ids):
                    if a < b:
                        self.known[(a, b)] = ov[i, j]
        k = len(ids)
        out = np.zeros((k, k))
        for i, a in enumerate(ids):
            for j, b in enumerate(ids):
                if i != j:
                    out[i, j] = self.known[(min(a, b), max(a, b))]
        return out


def _restrict(hits: SubjectHits, reports: NDArray[np.int64], n_orders: int) -> SubjectHits:
    return SubjectHits.from_matrix(
        hits.subject_ids,
        hits.matrix[:, reports],
        read_size=np.minimum(hits.read_size, n_orders),
        n_orders=n_orders,
        report_orders=hits.report_orders[reports],
        party_of=None if hits.party_of is None else list(hits.party_of),
    )


def explain_away(
    hits: SubjectHits,
    overlap_of: OverlapFn,
    *,
    n_tests: int,
    alpha: float = 1e-6,
    max_sources: int = 10,
    t_screen: float = 1e-4,
    min_hits: int = 2,
    rival_share: float = 0.5,
    usable: ArrayLike | None = None,
) -> Attribution:
    """Accuse sources one by one (module docstring); ``usable`` masks reports to consider."""
    if n_tests < 1 or not 0.0 < alpha < 1.0 or max_sources < 1:
        raise ValueError("need n_tests >= 1, 0 < alpha < 1 and max_sources >= 1")
    threshold = alpha / (n_tests * max_sources)
    log_t = float(np.log10(threshold))
    ids = [str(s) for s in hits.subject_ids]
    overlaps = _Overlaps(overlap_of)
    open_ = np.ones(hits.n_reports, bool) if usable is None else np.asarray(usable, bool).copy()
    claimed = np.full(hits.n_reports, -1, dtype=np.int64)
    accused: list[int] = []
    decisive: dict[int, tuple[float, float, float]] = {}  # subject → (expected, p, log10 p)
    explained_by: dict[int, int] = {}
    first = screen(_restrict(hits, np.flatnonzero(open_), hits.n_orders), t_screen=t_screen, min_hits=min_hits)
    dense = hits.matrix.toarray().astype(bool)

    for _ in range(max_sources):
        cols = np.flatnonzero(open_)
        if len(cols) == 0:
            break
        n_orders = max(1, hits.n_orders - int(hits.read_size[accused].sum()))
        sub = _restrict(hits, cols, n_orders)
        scr = screen(sub, t_screen=t_screen, min_hits=min_hits)
        taken = np.zeros(hits.n_subjects, bool)
        taken[accused] = True
        passing = [int(s) for s in scr.candidates if scr.log10_p[s] <= log_t and not taken[s]]
        pool = [int(s) for s in scr.candidates if not taken[s]]
        chosen = None
        for s in sorted(passing, key=lambda s: (sub.share[s], scr.log10_p[s], ids[s])):
            verdict = (float(scr.expected[s]), float(scr.p[s]), float(scr.log10_p[s]))
            hs = dense[s, cols]
            rivals = [b for b in pool if b != s and (dense[b, cols] & hs).sum() >= rival_share * hs.sum()]
            for b in rivals:
                ov = overlaps.matrix([ids[s], ids[b]])
                fit = fit_conditional(sub, np.array([s, b]), ov, mode="all")
                if fit.log10_p[0] > verdict[2]:
                    verdict = (float(fit.expected[0]), float(fit.p[0]), float(fit.log10_p[0]))
                if fit.log10_p[0] > log_t:
                    explained_by.setdefault(s, b)
                    break
            else:
                chosen = s
                decisive[s] = verdict
                break
        if chosen is None:
            break
        accused.append(chosen)
        explained_by.pop(chosen, None)
        mine = open_ & dense[chosen]
        claimed[mine] = chosen
        open_ &= ~dense[chosen]

    return _figures(hits, first, accused, decisive, explained_by, claimed, alpha, n_tests, threshold, ids)


def _figures(
    hits: SubjectHits,
    first: object,
    accused: list[int],
    decisive: dict[int, tuple[float, float, float]],
    explained_by: dict[int, int],
    claimed: NDArray[np.int64],
    alpha: float,
    n_tests: int,
    threshold: float,
    ids: list[str],
) -> Attribution:
    scr = first
    h = hits.hits
    acc = set(accused)
    subjects: list[SubjectFigures] = []
    index_of: dict[int, int] = {}
    for s in np.flatnonzero(h > 0):
        s = int(s)
        d = decisive.get(s)
        by = explained_by.get(s)
        if by is None and s not in acc and (claimed[hits.reports_of(s)] >= 0).any():
            owners = claimed[hits.reports_of(s)]
            owners = owners[owners >= 0]
            by = int(np.bincount(owners).argmax())
        index_of[s] = len(subjects)
        subjects.append(
            SubjectFigures(
                subject_id=ids[s],
                party_id=hits.party(s),
                hits=int(h[s]),
                expected=float(scr.expected[s]),  # type: ignore[attr-defined]
                p_marginal=float(scr.p[s]),  # type: ignore[attr-defined]
                log10_p_marginal=float(scr.log10_p[s]),  # type: ignore[attr-defined]
                candidate=s in decisive or s in explained_by,
                expected_conditional=None if d is None else d[0],
                p_conditional=None if d is None else d[1],
                log10_p_conditional=None if d is None else d[2],
                accused=s in acc,
                explained_by=None if by is None or s in acc else ids[by],
                hit_reports=tuple(int(r) for r in hits.reports_of(s)),
            )
        )
    assignment = np.array([index_of[int(c)] if c >= 0 else -1 for c in claimed], dtype=np.int64)
    return Attribution(subjects, assignment, alpha, n_tests, threshold, "all")

"""Who leaked: a marginal screen, then a conditional test that explains co-readers away.

Two phases, because the second needs an engine query on few subjects:

1. :func:`screen` tests every subject against "its reads are independent of which orders
   were reported": report ``r`` is hit with probability ``min(1, m_r q_s)``. Subjects with
   ``p <= t_screen`` and at least ``min_hits`` hits become *candidates*.
2. The engine computes ``overlap[a, b] = |R_a & R_b|`` for the candidates, and
   :func:`attribute` re-tests each candidate ``a`` given the others ``B``: if ``b in B`` hit
   report ``r`` it may be ``r``'s source, and then ``a`` hits ``r`` with probability
   ``|R_a & R_b| / |R_b|`` (a random order of ``b``'s). An ERP app that reads a superset of
   a leaker is fully expected to hit (``p = 1``); a reviewer reading a subset of the
   leaker's orders is expected to hit that fraction. A subject is accused iff its
   conditional p is at most ``alpha / n_tests`` (Bonferroni over the whole family).

The math and its assumptions are in ``docs/trace-statistics.md``; the conditional set is
built by :mod:`ordermoat.trace.conditional`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ordermoat.domain import Suspect
from ordermoat.trace.conditional import ConditionalFit, Mode, fit_conditional
from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.tail import binomial_tail_bound

__all__ = [
    "Screen",
    "SubjectFigures",
    "Attribution",
    "marginal_p_bar",
    "screen",
    "attribute",
    "decide",
    "run_attribution",
]


def marginal_p_bar(share: ArrayLike, report_orders: ArrayLike) -> NDArray[np.float64]:
    """``mean_r min(1, m_r q_s)`` for every subject, in ``O((S + n) log n)``."""
    q = np.asarray(share, dtype=np.float64)
    m = np.sort(np.asarray(report_orders, dtype=np.float64))
    n = len(m)
    if n == 0:
        return np.zeros_like(q)
    cs = np.concatenate([[0.0], np.cumsum(m)])
    with np.errstate(divide="ignore"):
        k = np.searchsorted(m, np.where(q > 0, 1.0 / q, np.inf), side="left")
    return (q * cs[k] + (n - k)) / n


@dataclass(frozen=True, slots=True, eq=False)
class Screen:
    """Phase one: marginal figures for every subject and the candidates for phase two."""

    hits: SubjectHits
    expected: NDArray[np.float64]
    p: NDArray[np.float64]
    log10_p: NDArray[np.float64]
    candidates: NDArray[np.int64]
    t_screen: float
    min_hits: int

    @property
    def candidate_ids(self) -> list[str]:
        """Ids to ask the engine for ``overlap`` about, in the order it must come back."""
        return [str(self.hits.subject_ids[i]) for i in self.candidates]


def screen(hits: SubjectHits, *, t_screen: float = 1e-4, min_hits: int = 2) -> Screen:
    """Marginal test of every subject; candidates have ``p <= t_screen`` and enough hits."""
    n = hits.n_reports
    p_bar = marginal_p_bar(hits.share, hits.report_orders)
    h = hits.hits
    p, lg = binomial_tail_bound(h, n, p_bar)
    cand = np.flatnonzero((h >= min_hits) & (lg <= np.log10(t_screen)))
    return Screen(hits, n * p_bar, p, lg, cand.astype(np.int64), t_screen, min_hits)


@dataclass(frozen=True, slots=True)
class SubjectFigures:
    """One subject's evidence. ``hit_reports`` are report indices, for evidence lines."""

    subject_id: str
    party_id: str | None
    hits: int
    expected: float
    p_marginal: float
    log10_p_marginal: float
    candidate: bool
    expected_conditional: float | None
    p_conditional: float | None
    log10_p_conditional: float | None
    accused: bool
    explained_by: str | None
    hit_reports: tuple[int, ...]

    @property
    def p_value(self) -> float:
        """The p the decision rests on: conditional for candidates, else marginal."""
        return self.p_marginal if self.p_conditional is None else self.p_conditional


@dataclass(frozen=True, slots=True, eq=False)
class Attribution:
    """Phase two's outcome, with the bound in force.

    ``assignment[r]`` is the index into ``subjects`` of the accused subject that explains
    report ``r`` (the most specific one, smallest read share, when several hit it), or -1.
    """

    subjects: list[SubjectFigures]
    assignment: NDArray[np.int64]
    alpha: float
    n_tests: int
    threshold: float
    mode: Mode

    @property
    def accused(self) -> list[SubjectFigures]:
        return [s for s in self.subjects if s.accused]

    @property
    def unexplained_reports(self) -> NDArray[np.int64]:
        return np.flatnonzero(self.assignment < 0).astype(np.int64)

    def assigned_reports(self, subject_id: str) -> NDArray[np.int64]:
        """Reports this (accused) subject is named as the source of."""
        idx = next((i for i, s in enumerate(self.subjects) if s.subject_id == subject_id), None)
        if idx is None:
            raise KeyError(subject_id)
        return np.flatnonzero(self.assignment == idx).astype(np.int64)

    def ranked(self) -> list[SubjectFigures]:
        """Accused first, then by decreasing evidence."""
        return sorted(self.subjects, key=lambda s: (not s.accused, _log10(s)))

    def to_suspects(self, level: Literal["actor", "party"] = "actor") -> list[Suspect]:
        """Domain suspects for the hitting subjects, ranked; evidence is left to the caller."""
        return [
            Suspect(
                actor_id=s.subject_id if level == "actor" else None,
                party_id=s.party_id,
                accused=s.accused,
                hits=s.hits,
                expected=s.expected if s.expected_conditional is None else s.expected_conditional,
                p_value=s.p_value,
            )
            for s in self.ranked()
        ]


def _log10(s: SubjectFigures) -> float:
    return s.log10_p_marginal if s.log10_p_conditional is None else s.log10_p_conditional


def attribute(
    scr: Screen,
    overlap: ArrayLike,
    *,
    n_tests: int,
    alpha: float = 1e-6,
    mode: Mode = "all",
    p_drop: float = 0.01,
    max_rounds: int = 100,
) -> Attribution:
    """Conditional test of the candidates and the Bonferroni decision.

    ``overlap`` is the ``K x K`` matrix ``|R_a & R_b|`` over ``scr.candidate_ids`` (the
    diagonal is ignored). ``mode="all"`` conditions each candidate on every other one, which
    is what the false-accusation bound covers; ``mode="eliminate"`` first drops candidates
    explained by the others (see :mod:`ordermoat.trace.conditional`).
    """
    if n_tests < 1 or not 0.0 < alpha < 1.0:
        raise ValueError("need n_tests >= 1 and 0 < alpha < 1")
    fit: ConditionalFit = fit_conditional(
        scr.hits, scr.candidates, np.asarray(overlap, dtype=np.float64),
        mode=mode, p_drop=p_drop, max_rounds=max_rounds,
    )
    return decide(scr, fit, n_tests=n_tests, alpha=alpha, mode=mode)


def decide(scr: Screen, fit: ConditionalFit, *, n_tests: int, alpha: float, mode: Mode) -> Attribution:
    """The Bonferroni decision on conditional figures: accused iff ``p <= alpha / n_tests``."""
    if n_tests < 1 or not 0.0 < alpha < 1.0:
        raise ValueError("need n_tests >= 1 and 0 < alpha < 1")
    hits = scr.hits
    threshold = alpha / n_tests
    log_t = np.log10(threshold)
    accused_c = fit.active & (fit.log10_p <= log_t)
    cand_pos = {int(s): k for k, s in enumerate(scr.candidates)}
    h = hits.hits
    subjects: list[SubjectFigures] = []
    index_of: dict[int, int] = {}
    for s in np.flatnonzero(h > 0):
        k = cand_pos.get(int(s))
        by = None if k is None or fit.explained_by[k] < 0 else int(scr.candidates[fit.explained_by[k]])
        index_of[int(s)] = len(subjects)
        subjects.append(
            SubjectFigures(
                subject_id=str(hits.subject_ids[s]),
                party_id=hits.party(int(s)),
                hits=int(h[s]),
                expected=float(scr.expected[s]),
                p_marginal=float(scr.p[s]),
                log10_p_marginal=float(scr.log10_p[s]),
                candidate=k is not None,
                expected_conditional=None if k is None else float(fit.expected[k]),
                p_conditional=None if k is None else float(fit.p[k]),
                log10_p_conditional=None if k is None else float(fit.log10_p[k]),
                accused=k is not None and bool(accused_c[k]),
                explained_by=None if by is None or accused_c[k] else str(hits.subject_ids[by]),
                hit_reports=tuple(int(r) for r in hits.reports_of(int(s))),
            )
        )
    # Each report goes to the most specific accused subject that hit it.
    assignment = np.full(hits.n_reports, -1, dtype=np.int64)
    acc = scr.candidates[accused_c]
    for s in acc[np.lexsort((acc, hits.share[acc]))][::-1]:  # least specific first, overwritten
        assignment[hits.reports_of(int(s))] = index_of[int(s)]
    return Attribution(subjects, assignment, alpha, n_tests, threshold, mode)


def run_attribution(
    hits: SubjectHits,
    overlap_of: Callable[[Sequence[str]], ArrayLike],
    *,
    n_tests: int,
    alpha: float = 1e-6,
    t_screen: float = 1e-4,
    min_hits: int = 2,
    mode: Mode = "all",
    p_drop: float = 0.01,
) -> Attribution:
    """Both phases; ``overlap_of(candidate_ids)`` is the engine query for the overlaps."""
    scr = screen(hits, t_screen=t_screen, min_hits=min_hits)
    k = len(scr.candidates)
    ov = overlap_of(scr.candidate_ids) if k else np.zeros((0, 0))
    return attribute(scr, ov, n_tests=n_tests, alpha=alpha, mode=mode, p_drop=p_drop)

"""The conditional null: a candidate's hits given that other candidates may be the sources.

For candidate ``a`` and the set ``B`` of other candidates it is conditioned on, report ``r``
is hit under the null with probability

    p_ar = min(1, max(m_r q_a,  max_{b in B hitting r} |R_a & R_b| / |R_b| + (m_r - 1) q_a))

The first term is the marginal null (the source is unrelated to ``a``); the second is "``b``
leaked ``r``'s order, a random one of its reads, and ``a`` read it" plus the chance that
``a`` read one of the report's other ``m_r - 1`` orders. Keeping the max with ``m_r q_a``
matters: a co-hitting ``b`` that barely overlaps ``a`` must not make ``a``'s hit look
*less* likely than under the marginal null.

Which ``B``:

* ``"all"`` (default): ``B`` = every other candidate. ``p_ar`` only grows with ``B``, so this
  is the most conservative choice, and it is valid whenever every source whose reads are
  correlated with ``a``'s is a candidate. Two accounts whose reads (nearly) coincide then
  explain each other and neither is accused: read logs cannot tell them apart.
* ``"eliminate"``: repeatedly drop one candidate explained by the rest (conditional
  ``p >= p_drop``): the most explained first, ties to the larger reader. A drop is refused
  when it would turn another explained candidate into an unexplained one, i.e. when two
  candidates explain each other. This buys power (a shop's ERP app no longer masks several
  agents who each read a large share of the shop) but is outside the proven bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.mixture import Coverage, mixture_tests
from ordermoat.trace.tail import poisson_binomial_tail_bound

__all__ = ["Mode", "ConditionalFit", "fit_conditional", "mixture_fit"]

Mode = Literal["all", "eliminate", "mixture"]


@dataclass(frozen=True, slots=True, eq=False)
class ConditionalFit:
    """Per candidate (in the screen's candidate order): figures and the final active set.

    ``p`` of a candidate dropped by elimination is the one it had when dropped.
    ``explained_by[k]`` is the candidate position whose co-hits best explain ``k``'s, or -1.
    """

    expected: NDArray[np.float64]
    p: NDArray[np.float64]
    log10_p: NDArray[np.float64]
    active: NDArray[np.bool_]
    explained_by: NDArray[np.int64]
    rounds: int


class _Model:
    """Hit matrix, shares and overlap ratios of the candidates, ready for repeated fits."""

    def __init__(self, hits: SubjectHits, cand: NDArray[np.int64], overlap: NDArray[np.float64]):
        k = len(cand)
        if overlap.shape != (k, k):
            raise ValueError(f"overlap must be {k}x{k}, aligned with the candidates")
        if np.any(overlap < 0):
            raise ValueError("overlaps are counts, never negative")
        self.h = hits.matrix[cand].toarray().astype(bool) if k else np.zeros((0, hits.n_reports), bool)
        self.hits = self.h.sum(axis=1)
        self.q = hits.share[cand]
        self.m = hits.report_orders.astype(np.float64)
        size = hits.read_size[cand].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(size[None, :] > 0, overlap / size[None, :], 0.0)
        self.w = np.clip(w, 0.0, 1.0)  # w[a, b]: P(a read a random order of b's)
        np.fill_diagonal(self.w, 0.0)
        self.n = hits.n_reports
        hf = self.h.astype(np.float64)
        self.co = hf @ hf.T  # co[a, b]: reports both hit
        # b raises a's null above m_r q_a somewhere iff w[a, b] > q_a: the others can't matter
        self.touches = self.w > self.q[:, None]

    def p_r(self, a: int, given: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Null hit probability of candidate ``a`` on every report, given ``given``."""
        base = np.minimum(1.0, self.m * self.q[a])
        others = given.copy()
        others[a] = False
        if not others.any():
            return base
        hb = self.h[others]
        best = (hb * self.w[a, others][:, None]).max(axis=0) + (self.m - 1.0) * self.q[a]
        return np.where(hb.any(axis=0), np.maximum(base, np.minimum(1.0, best)), base)

    def test(self, idx: NDArray[np.int64], given: NDArray[np.bool_]) -> tuple[NDArray[np.float64], ...]:
        """``(expected, p, log10_p)`` of candidates ``idx`` given the set ``given``."""
        out = np.zeros((3, len(idx)))
        for j, a in enumerate(idx):
            p_r = self.p_r(int(a), given)
            out[0, j] = p_r.sum()
            out[1, j], out[2, j] = poisson_binomial_tail_bound(int(self.hits[a]), p_r)
        return out[0], out[1], out[2]


def mixture_fit(hits: SubjectHits, candidates: NDArray[np.int64], cover: Coverage) -> ConditionalFit:
    """The mixture null (:mod:`ordermoat.trace.mixture`) with field-aware coverage."""
    k = len(candidates)
    expected, p, lg, by = mixture_tests(hits, np.asarray(candidates, dtype=np.int64), cover)
    return ConditionalFit(expected, p, lg, np.ones(k, dtype=bool), by, 0)


def fit_conditional(
    hits: SubjectHits,
    candidates: NDArray[np.int64],
    overlap: NDArray[np.float64],
    *,
    mode: Mode = "all",
    p_drop: float = 0.01,
    max_rounds: int = 100,
) -> ConditionalFit:
    """Conditional figures of every candidate given the other (active) candidates."""
    if mode not in ("all", "eliminate", "mixture"):
        raise ValueError(f"unknown mode {mode!r}")
    if mode == "mixture":
        k = len(candidates)
        cover = Coverage.plain(hits.read_size[np.asarray(candidates, dtype=np.int64)], overlap, hits.n_reports)
        expected, p, lg, by = mixture_tests(hits, np.asarray(candidates, dtype=np.int64), cover)
        return ConditionalFit(expected, p, lg, np.ones(k, dtype=bool), by, 0)
    model = _Model(hits, np.asarray(candidates, dtype=np.int64), overlap)
    k = len(candidates)
    idx = np.arange(k)
    active = np.ones(k, dtype=bool)
    expected, p, lg = model.test(idx, active)
    rounds = 0
    while mode == "eliminate" and rounds < max_rounds:
        pos = idx[active]
        explained = pos[lg[pos] >= np.log10(p_drop)]
        if len(explained) == 0:
            break
        order = explained[np.lexsort((explained, -model.q[explained], -lg[explained]))]
        dropped = False
        for d in order:
            trial = active.copy()
            trial[d] = False
            rest = explained[(explained != d) & model.touches[explained, d]]
            if len(rest) and np.any(model.test(rest, trial)[2] < np.log10(p_drop)):
                continue  # d and someone explain each other: keep both
            active = trial
            dropped = True
            break
        rounds += 1
        if not dropped:
            break
        keep = idx[active & model.touches[:, d]]
        expected[keep], p[keep], lg[keep] = model.test(keep, active)
    return ConditionalFit(expected, p, lg, active, _explainers(model), rounds)


def _explainers(model: _Model) -> NDArray[np.int64]:
    """For each candidate, the other whose co-hits weigh most on its own hits."""
    k = len(model.q)
    if k < 2:
        return np.full(k, -1, dtype=np.int64)
    score = model.w * model.co  # score[a, b] = w[a, b] * |hits(a) & hits(b)|
    best = score.argmax(axis=1)
    return np.where(score[np.arange(k), best] > 0, best, -1).astype(np.int64)

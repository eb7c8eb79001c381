"""The mixture null: a candidate's hits given a fitted model of where the reports came from.

Every report is taken to come from one source: a candidate ``b`` leaking a uniform sample
of its reads (``P(r | b) = 1/|R_b|`` if ``b`` hit ``r``), or the background (an order
picked at random: ``P(r | bg) = m_r / N``). The mixture weights are fitted by EM; the fit
is a concave likelihood in the weights, so it has one optimum, and nested read sets are
resolved by it: a courier's reports are far likelier under the courier (``1/|R_c|``) than
under the ERP app that also read them (``1/|R_app|``).

To test candidate ``a``, the model is refitted **without** ``a``; every candidate ``b`` with
a responsibility of at least :data:`PLAUSIBLE` for report ``r`` is a plausible source of it,
and ``a`` would have hit ``r`` with probability at most

    p_ar = min(1, max(m_r q_a, max_{b plausible for r} |R_a & R_b| / |R_b| + (m_r - 1) q_a))

— the chance that ``a`` read a random order of the source's (and, for a phone-only report,
one of the buyer's other orders), taking the worst plausible source. The fit only decides
*who is plausible*; averaging by its responsibilities instead would trust them too much: a
window-limited leak (an ERP app compromised for a week) is modelled as uniform over all its
reads, so it takes a share of another leaker's reports, and an innocent co-reader of that
other leaker would look guilty.

Every read set is taken for the fields report ``r``'s caller recited (:class:`Coverage`).
``a``'s hits are bounded with :func:`~ordermoat.trace.tail.poisson_binomial_tail_bound`.
Unlike conditioning on *every* other candidate, a heavy reader that only co-read a leaker's
orders is not a plausible source of the leaker's reports, so it cannot mask the leaker; an
innocent superset reader is fully explained by the leaker it co-read (``p_ar = 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.tail import poisson_binomial_tail_bound

__all__ = ["Coverage", "PLAUSIBLE", "fit_mixture", "mixture_tests"]

_TOL = 1e-10
#: A candidate is a plausible source of a report when the fit gives it this much of it.
PLAUSIBLE = 0.05


def fit_mixture(
    lik: NDArray[np.float64],
    bg: NDArray[np.float64],
    weights: NDArray[np.float64] | None = None,
    *,
    max_iter: int = 3000,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """EM for the weights of fixed components; returns ``(weights, gamma, gamma_bg)``.

    ``lik`` is ``K x n`` (``P(r | b)``), ``bg`` is ``n`` (``P(r | background)``); the last
    entry of ``weights`` is the background's.
    """
    k, n = lik.shape
    w = np.full(k + 1, 1.0 / (k + 1)) if weights is None else np.asarray(weights, np.float64).copy()
    for _ in range(max_iter):
        num = w[:k, None] * lik
        den = num.sum(axis=0) + w[k] * bg
        gamma, gamma_bg = num / den, w[k] * bg / den
        new = np.append(gamma.sum(axis=1), gamma_bg.sum()) / n
        done = np.abs(new - w).max() < _TOL
        w = new
        if done:
            break
    num = w[:k, None] * lik
    den = num.sum(axis=0) + w[k] * bg
    return w, num / den, w[k] * bg / den


@dataclass(frozen=True, slots=True)
class Coverage:
    """Who could have supplied what, per *need class* (a set of fields callers recited).

    ``cls[r]`` is report ``r``'s class; ``size[k, c]`` is ``|R_k(c)|``, the orders candidate
    ``k`` read with every field of class ``c`` (over all its reads of the order); and
    ``overlap[a, b, c]`` is ``|R_a(c) & R_b(c)|``. A courier that never saw the item can't be
    the source of a call reciting it, nor can it have read "a random order" of the warehouse's
    that the caller recited the item of.
    """

    cls: NDArray[np.int64]
    size: NDArray[np.float64]
    overlap: NDArray[np.float64]

    @classmethod
    def plain(cls, read_size: NDArray[np.int64], overlap: NDArray[np.float64], n_reports: int) -> Coverage:
        """One class for every report: read sets without field detail."""
        return cls(
            np.zeros(n_reports, dtype=np.int64),
            np.asarray(read_size, np.float64)[:, None],
            np.asarray(overlap, np.float64)[:, :, None],
        )


def mixture_tests(
    hits: SubjectHits, cand: NDArray[np.int64], cover: Coverage
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """``(expected, p, log10_p, explained_by)`` of each candidate given the others."""
    k = len(cand)
    h = hits.matrix[cand].toarray().astype(bool) if k else np.zeros((0, hits.n_reports), bool)
    size = np.maximum(cover.size[:, cover.cls], 1.0)  # K x n: |R_k(need_r)|
    q = np.minimum(1.0, size / float(hits.n_orders))
    m = hits.report_orders.astype(np.float64)
    lik = h / size
    bg = m / float(hits.n_orders)
    full, _, _ = fit_mixture(lik, bg)
    expected, p, lg = np.zeros(k), np.ones(k), np.zeros(k)
    explained_by = np.full(k, -1, dtype=np.int64)
    for a in range(k):
        keep = np.arange(k) != a
        start = np.append(full[:k][keep], full[k] + full[a])
        _, gamma, gamma_bg = fit_mixture(lik[keep], bg, start)
        # w[b, r]: the chance a random order of b's (for r's fields) was read so by a
        w = np.clip(cover.overlap[a][keep][:, cover.cls] / size[keep], 0.0, 1.0)
        plausible = gamma >= PLAUSIBLE
        via = np.where(plausible, w + (m - 1.0) * q[a], 0.0).max(axis=0, initial=0.0)
        p_r = np.minimum(1.0, np.maximum(via, m * q[a]))
        expected[a] = p_r.sum()
        p[a], lg[a] = poisson_binomial_tail_bound(int(h[a].sum()), p_r)
        share = (gamma[:, h[a]]).sum(axis=1)
        if share.size and share.max() > 0:
            explained_by[a] = int(np.flatnonzero(keep)[share.argmax()])
    return expected, p, lg, explained_by



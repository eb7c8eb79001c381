"""Upper tail bound for a count of independent, unequal Bernoulli hits.

A subject's hit count under the null is Poisson-binomial: report ``r`` is hit with its own
probability ``p_r``. Hoeffding (1956, "On the distribution of the number of successes in
independent trials", Theorem 4) shows that for an integer ``h >= n * p_bar + 1`` the
Poisson-binomial tail is at most the binomial tail with the mean probability:

    P(X >= h) <= P(Bin(n, p_bar) >= h),    p_bar = mean(p_r).

Below that point the theorem says nothing, so we report ``p = 1`` there: a count that is
not at least one above its expectation is never evidence.

When the per-report probabilities are known and unequal (the conditional test, where some
reports are certain hits), :func:`poisson_binomial_tail_bound` first sets certain reports
(``p_r = 1``) aside, which is exact, and takes the smaller of Hoeffding's bound on the rest
and the Chernoff bound with the unequal ``p_r``. Both are upper bounds, so their minimum is.
Without this, one ``p_r = 1`` report inflates ``p_bar`` for all the others and a real
leaker whose orders a subset reviewer also read is hard to separate from its reviewer.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import logsumexp
from scipy.stats import binom

__all__ = ["binomial_tail_bound", "poisson_binomial_tail_bound", "chernoff_log10", "UNDERFLOW"]

#: Below this the binomial survival function is recomputed in log space.
UNDERFLOW = 1e-280

_LN10 = float(np.log(10.0))


def binomial_tail_bound(
    hits: ArrayLike, n: int, p_bar: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``(p, log10_p)``: Hoeffding's bound on ``P(X >= hits)`` for each subject.

    ``hits`` and ``p_bar`` are broadcast together; ``n`` is the number of trials (reports).
    ``log10_p`` stays finite far below the float range (1e-300 and beyond), so rank and
    compare on it; ``p`` underflows to 0.0 there.

    >>> p, lg = binomial_tail_bound([3, 1], 10, [0.01, 0.01])
    >>> round(float(lg[0]), 2), float(p[1])
    (-3.94, 1.0)
    """
    h = np.asarray(hits, dtype=np.int64)
    pb = np.clip(np.asarray(p_bar, dtype=np.float64), 0.0, 1.0)
    h, pb = np.broadcast_arrays(h, pb)
    if n < 0:
        raise ValueError("n must be >= 0")
    if np.any(h < 0) or np.any(h > n):
        raise ValueError("hits must lie in [0, n]")
    p = np.ones(h.shape, dtype=np.float64)
    log10_p = np.zeros(h.shape, dtype=np.float64)
    # Hoeffding's condition, in exact arithmetic where possible: h >= n*p_bar + 1.
    applies = h.astype(np.float64) >= n * pb + 1.0
    if not applies.any():
        return p, log10_p
    ha, pa = h[applies], pb[applies]
    sf = binom.sf(ha - 1, n, pa)
    lg = np.full(sf.shape, -np.inf)
    ok = sf > UNDERFLOW
    lg[ok] = np.log10(sf[ok])
    for i in np.flatnonzero(~ok):  # rare: only extreme evidence lands here
        if pa[i] <= 0.0:
            continue  # impossible under the null: p = 0, log10 p = -inf
        k = np.arange(ha[i], n + 1)
        lg[i] = float(logsumexp(binom.logpmf(k, n, pa[i]))) / _LN10
    p[applies] = np.where(ok, sf, 10.0**lg)
    log10_p[applies] = lg
    return p, log10_p


def chernoff_log10(hits: int, p_r: NDArray[np.float64]) -> float:
    """``log10`` of ``min_l exp(-l h) E exp(l X)`` for X a sum of Bernoulli(p_r); 0 if h <= E X."""
    p = np.clip(np.asarray(p_r, dtype=np.float64), 0.0, 1.0)
    n = len(p)
    if hits <= p.sum():
        return 0.0
    if hits >= n:  # all must hit: the bound is the exact probability
        with np.errstate(divide="ignore"):
            return float(np.log(p).sum()) / _LN10

    def excess(log_t: float) -> float:
        t = np.exp(log_t)
        return float((p * t / (1.0 - p + p * t)).sum()) - hits

    hi = 1.0
    while excess(hi) < 0.0 and hi < 1e4:
        hi *= 2.0
    lam = brentq(excess, 0.0, hi, xtol=1e-12)
    log_mgf = np.log1p(p * np.expm1(lam)).sum()
    return min(0.0, float(log_mgf - lam * hits) / _LN10)


def poisson_binomial_tail_bound(hits: int, p_r: ArrayLike) -> tuple[float, float]:
    """``(p, log10_p)`` bounding ``P(X >= hits)`` for X a sum of Bernoulli(``p_r``).

    Certain reports (``p_r >= 1``) are set aside exactly; on the rest the smaller of
    Hoeffding's binomial bound and the Chernoff bound is returned.
    """
    p = np.clip(np.asarray(p_r, dtype=np.float64), 0.0, 1.0)
    certain = p >= 1.0
    rest = p[~certain]
    h = int(hits) - int(certain.sum())
    if h <= 0:
        return 1.0, 0.0
    if h > len(rest):
        return 0.0, float("-inf")
    if h <= rest.sum():  # at or below the mean neither bound says anything
        return 1.0, 0.0
    _, lg_h = binomial_tail_bound(h, len(rest), rest.mean())
    lg = min(float(lg_h), chernoff_log10(h, rest))
    return float(10.0**lg), lg

"""Reference methods the benchmark compares attribution against.

* :func:`strict_intersection`: accuse whoever read every reported order. Exact when one
  leaker caused every report, useless once one report is noise, and blind to supersets
  (an ERP app that reads everything is always in the intersection).
* :func:`pgm_guilt`: the guilt model of Papadimitriou & Garcia-Molina, "Data Leakage
  Detection", IEEE TKDE 23(1), 2011. Each leaked object ``t`` was guessed with probability
  ``p``, otherwise leaked by one of its ``|V_t|`` holders chosen uniformly, so
  ``Pr{G_i | S} = 1 - prod_{t in S & R_i} (1 - (1 - p) / |V_t|)``. It has no false-accusation
  guarantee: a subject's guilt grows with every reported order it holds, whatever it reads.
* :func:`reports_needed`: how many reports a strict intersection needs before an innocent
  with read share ``q`` is unlikely to survive it: ``n q^K <= eps``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ordermoat.trace.hits import SubjectHits

__all__ = ["strict_intersection", "pgm_guilt", "pgm_accused", "reports_needed"]


def strict_intersection(hits: SubjectHits) -> NDArray[np.int64]:
    """Subject indices that hit every report (none when there are no reports)."""
    if hits.n_reports == 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(hits.hits == hits.n_reports).astype(np.int64)


def pgm_guilt(hits: SubjectHits, readers: ArrayLike, *, p: float = 0.5) -> NDArray[np.float64]:
    """``Pr{G_i | S}`` for every subject; ``readers[r]`` is ``|V_t|`` for report ``r``'s order.

    >>> h = SubjectHits.from_pairs(["a", "b"], [0, 0, 1], [0, 1, 1], read_size=[2, 9],
    ...                            n_orders=100, n_reports=2)
    >>> pgm_guilt(h, [1, 2]).round(3).tolist()
    [0.625, 0.25]
    """
    v = np.asarray(readers, dtype=np.float64)
    if v.shape != (hits.n_reports,):
        raise ValueError("readers must give |V_t| for every report")
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must lie in [0, 1]")
    hit_any = np.asarray(hits.matrix.sum(axis=0)).ravel() > 0
    if np.any(hit_any & (v < 1)):
        raise ValueError("a report someone hit has at least one reader")
    with np.errstate(divide="ignore"):
        log_keep = np.where(v >= 1, np.log1p(-(1.0 - p) / np.maximum(v, 1.0)), 0.0)
    return -np.expm1(hits.matrix.astype(np.float64) @ log_keep)


def pgm_accused(
    hits: SubjectHits, readers: ArrayLike, *, p: float = 0.5, threshold: float = 0.9
) -> NDArray[np.int64]:
    """Subject indices with ``Pr{G_i | S} >= threshold``."""
    return np.flatnonzero(pgm_guilt(hits, readers, p=p) >= threshold).astype(np.int64)


def reports_needed(n_subjects: ArrayLike, q: ArrayLike, eps: float = 1e-6) -> NDArray[np.int64]:
    """Smallest ``K`` with ``K >= ln(n/eps) / ln(1/q)``: then ``n q^K <= eps``.

    Union bound over ``n`` innocents each reading a share ``q`` independently of the
    reports. ``q >= 1`` needs infinitely many (returned as -1).

    >>> reports_needed(1000, [0.01, 0.1]).tolist()
    [5, 9]
    """
    n = np.asarray(n_subjects, dtype=np.float64)
    qq = np.asarray(q, dtype=np.float64)
    if eps <= 0 or np.any(n < 1) or np.any(qq <= 0):
        raise ValueError("need eps > 0, n >= 1 and q > 0")
    with np.errstate(divide="ignore"):
        k = np.ceil(np.log(n / eps) / np.log(1.0 / qq) - 1e-12)
    return np.where(qq < 1.0, np.maximum(k, 0), -1).astype(np.int64)

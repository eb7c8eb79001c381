"""The benchmark's reference methods on inputs small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest

from ordermoat.trace.baselines import pgm_accused, pgm_guilt, reports_needed, strict_intersection
from ordermoat.trace.hits import SubjectHits


def toy() -> SubjectHits:
    # reports 0..2; "app" hit all, "leaker" all, "clerk" one, "reviewer" two
    pairs = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 1), (3, 0), (3, 2)]
    s, r = zip(*pairs, strict=True)
    return SubjectHits.from_pairs(["app", "leaker", "clerk", "reviewer"], s, r,
                                  read_size=[900, 30, 10, 20], n_orders=1000, n_reports=3)


def test_strict_intersection_keeps_whoever_read_everything() -> None:
    assert strict_intersection(toy()).tolist() == [0, 1]  # the app survives it too
    empty = SubjectHits.from_pairs(["a"], [], [], read_size=[1], n_orders=10, n_reports=0)
    assert strict_intersection(empty).tolist() == []


def test_pgm_guilt_by_hand() -> None:
    readers = [3, 3, 2]  # |V_t| per report
    g = pgm_guilt(toy(), readers, p=0.5)
    keep = {0: 1 - 0.5 / 3, 1: 1 - 0.5 / 3, 2: 1 - 0.5 / 2}
    expected = [1 - keep[0] * keep[1] * keep[2]] * 2 + [1 - keep[1], 1 - keep[0] * keep[2]]
    np.testing.assert_allclose(g, expected)
    assert pgm_accused(toy(), readers, p=0.5, threshold=0.45).tolist() == [0, 1]
    assert pgm_accused(toy(), readers, p=0.5, threshold=0.9).tolist() == []
    assert pgm_guilt(toy(), readers, p=1.0).tolist() == [0.0] * 4  # everything was guessable
    with pytest.raises(ValueError):
        pgm_guilt(toy(), [3, 0, 2])


@pytest.mark.parametrize(("n", "q", "eps"), [(1000, 0.01, 1e-6), (50, 0.3, 1e-3), (10**5, 0.001, 1e-6)])
def test_reports_needed_is_the_smallest_sufficient_k(n: int, q: float, eps: float) -> None:
    k = int(reports_needed(n, q, eps))
    assert n * q**k <= eps * (1 + 1e-9)
    assert n * q ** (k - 1) > eps
    assert reports_needed(n, 1.0, eps).tolist() == -1

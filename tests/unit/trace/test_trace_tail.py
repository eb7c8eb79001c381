"""The tail bounds: upper bounds on the exact Poisson-binomial tail, and usable far out."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from ordermoat.trace.attribution import marginal_p_bar
from ordermoat.trace.tail import binomial_tail_bound, chernoff_log10, poisson_binomial_tail_bound


def exact_tail(p: np.ndarray) -> np.ndarray:
    """``P(X >= h)`` for h = 0..n, X a sum of independent Bernoulli(p): the textbook DP."""
    pmf = np.zeros(len(p) + 1)
    pmf[0] = 1.0
    for pi in p:
        pmf[1:] = pmf[1:] * (1 - pi) + pmf[:-1] * pi
        pmf[0] *= 1 - pi
    return np.cumsum(pmf[::-1])[::-1]


def _mixed(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    if kind == "uniform":
        return rng.uniform(0, 0.3, n)
    if kind == "skewed":  # a few large, many tiny: the case Hoeffding is loosest on
        return np.where(rng.random(n) < 0.1, rng.uniform(0.5, 0.99, n), rng.uniform(0, 0.01, n))
    return np.where(rng.random(n) < 0.2, 1.0, rng.uniform(0.01, 0.2, n))  # with certain hits


@pytest.mark.parametrize("n", [5, 30, 200])
@pytest.mark.parametrize("kind", ["uniform", "skewed", "certain"])
@pytest.mark.parametrize("seed", range(4))
def test_hoeffding_bounds_exact_tail_where_it_applies(n: int, kind: str, seed: int) -> None:
    p = _mixed(np.random.default_rng(seed), n, kind)
    exact = exact_tail(p)
    h = np.arange(n + 1)
    bound, log10 = binomial_tail_bound(h, n, np.full(n + 1, p.mean()))
    applies = h >= n * p.mean() + 1
    assert np.all(bound[applies] >= exact[applies] * (1 - 1e-9) - 1e-300)
    assert np.all(bound[~applies] == 1.0) and np.all(log10[~applies] == 0.0)
    # and the refined bound (certain reports aside, min with Chernoff) is one too, everywhere
    refined = np.array([poisson_binomial_tail_bound(int(k), p)[0] for k in h])
    assert np.all(refined >= exact * (1 - 1e-9) - 1e-300)
    assert np.all(refined <= bound * (1 + 1e-9) + 1e-300)


def test_equal_probabilities_give_the_exact_binomial() -> None:
    n, q = 50, 0.04
    h = np.arange(4, 20)
    p, _ = binomial_tail_bound(h, n, q)
    np.testing.assert_allclose(p, binom.sf(h - 1, n, q), rtol=1e-12)


def test_certain_reports_no_longer_drown_the_evidence() -> None:
    """10 certain hits + 15 hits where 1 is expected: Hoeffding on p_bar sees little."""
    p = np.r_[np.ones(10), np.full(40, 0.025)]
    plain, _ = binomial_tail_bound(25, 50, p.mean())
    refined, _ = poisson_binomial_tail_bound(25, p)
    exact = exact_tail(p)[25]
    assert exact <= refined * (1 + 1e-9) and refined < 1e-12 < plain


@pytest.mark.parametrize(("h", "n", "q", "log10"), [(30, 30, 1e-12, -360.0), (200, 200, 1e-3, -600.0)])
def test_log10_survives_underflow(h: int, n: int, q: float, log10: float) -> None:
    p, lg = binomial_tail_bound(h, n, q)
    assert p[()] == 0.0
    assert lg[()] == pytest.approx(log10, rel=1e-9)
    assert poisson_binomial_tail_bound(h, np.full(n, q))[1] == pytest.approx(log10, rel=1e-9)


def test_chernoff_is_an_upper_bound_and_trivial_below_the_mean() -> None:
    p = np.random.default_rng(7).uniform(0, 0.2, 60)
    exact = exact_tail(p)
    for h in range(61):
        assert 10 ** chernoff_log10(h, p) >= exact[h] * (1 - 1e-9)
    assert chernoff_log10(int(p.sum()), p) == 0.0


def test_marginal_p_bar_matches_the_definition() -> None:
    rng = np.random.default_rng(3)
    q = np.r_[0.0, rng.uniform(0, 0.6, 50), 1.0]
    m = rng.integers(1, 5, 40)
    brute = np.minimum(1.0, m[None, :] * q[:, None]).mean(axis=1)
    np.testing.assert_allclose(marginal_p_bar(q, m), brute, rtol=1e-12, atol=1e-15)


def test_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        binomial_tail_bound(11, 10, 0.1)

"""The bound itself: over many random worlds, any false accusation happens at rate <= alpha.

Run at a loose ``alpha = 0.05`` so that a broken null would show in 200 trials; the screen
is set to ``alpha`` (above the per-test threshold) so that it cannot hide a miscalibrated
conditional test: a conditional p is never below the marginal one.
"""

from __future__ import annotations

import numpy as np
import pytest
from _trace_synth import World

ALPHA = 0.05
TRIALS = 200
INNOCENT_DECOYS = ("dispatcher", "reviewer", "twin", "erp")


def _world(rng: np.random.Generator, with_leaker: bool) -> tuple[World, list[list[int]]]:
    w = World(5000, rng)
    w.background(20, lo=20, hi=800)
    clerk = w.add("clerk", w.sample(200), "shopA")
    w.add("erp", np.concatenate([clerk, w.sample(1000)]), "erp-vendor")
    depot = w.rng.permutation(w.sample(750))
    for i in range(5):
        w.add(f"courier{i}", depot[i * 150 : (i + 1) * 150], "express")
    w.add("dispatcher", depot, "express")
    w.add("reviewer", w.sample(45, depot[:150]), "express")
    w.add("twin", np.concatenate([depot[:150], w.sample(40)]), "express-2")
    leaks = {"courier0": 12} if with_leaker else {}
    orders = w.reports(leaks, 30 - sum(leaks.values()))
    # every fourth report gives only a phone number: the buyer's order plus two others
    return w, [[int(o), *w.sample(2)] if i % 4 == 0 else [int(o)] for i, o in enumerate(orders)]


def _run(with_leaker: bool, mode: str, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Per trial: any innocent accused; any innocent accused on the marginal p alone."""
    rng = np.random.default_rng(seed)
    false_any = np.zeros(TRIALS, bool)
    naive_any = np.zeros(TRIALS, bool)
    for k in range(TRIALS):
        w, reports = _world(rng, with_leaker)
        result = w.attribute(reports, alpha=ALPHA, n_tests=len(w.ids), mode=mode, t_screen=ALPHA)
        innocent = [s for s in result.subjects if s.subject_id != "courier0" or not with_leaker]
        false_any[k] = any(s.accused for s in innocent)
        naive_any[k] = any(s.p_marginal <= result.threshold for s in innocent)
    return false_any, naive_any, len(w.ids)


@pytest.mark.parametrize("mode", ["all", "eliminate", "mixture"])
@pytest.mark.parametrize("with_leaker", [False, True], ids=["no-leaker", "leaker+co-readers"])
def test_familywise_false_accusation_rate(with_leaker: bool, mode: str) -> None:
    false_any, naive_any, _ = _run(with_leaker, mode, seed=11 if with_leaker else 12)
    assert false_any.mean() <= ALPHA
    if with_leaker:
        # the harness can see a violation: accusing on the marginal p blames co-readers
        assert naive_any.mean() > 0.5


def test_p_values_are_calibrated_under_the_null() -> None:
    """P(p <= u) <= u for every innocent's p (conditional when tested), with sampling slack."""
    rng = np.random.default_rng(5)
    ps: list[float] = []
    for _ in range(100):
        w, reports = _world(rng, with_leaker=True)
        result = w.attribute(reports, alpha=ALPHA, n_tests=len(w.ids), t_screen=ALPHA)
        by_id = {s.subject_id: s.p_value for s in result.subjects}
        ps += [by_id.get(a, 1.0) for a in w.ids if a != "courier0"]
    p = np.asarray(ps)
    for u in (0.001, 0.01, 0.05, 0.2):
        assert (p <= u).mean() <= u + 3 * np.sqrt(u / len(p)), u

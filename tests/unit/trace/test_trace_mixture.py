"""The mixture null with field-aware coverage (what `trace` runs)."""

from __future__ import annotations

import numpy as np
import pytest

from ordermoat.trace.attribution import decide, screen
from ordermoat.trace.conditional import mixture_fit
from ordermoat.trace.hits import SubjectHits
from ordermoat.trace.mixture import Coverage, fit_mixture

N = 20_000
ITEM, NAME = 0, 1  # need classes: "item + phone" and "name + phone"


def _world(seed: int) -> tuple[SubjectHits, Coverage, dict[str, set[int]]]:
    """A warehouse leaks calls reciting the item; a courier inside its orders, which never
    saw items, leaks calls reciting the name. 30 bystanders read random orders."""
    rng = np.random.default_rng(seed)
    wh = rng.choice(N, 5000, replace=False)
    courier = np.concatenate([rng.choice(wh, 300, replace=False), rng.choice(np.setdiff1d(np.arange(N), wh), 100)])
    readers = {"warehouse": (wh, {ITEM, NAME}), "courier": (courier, {NAME})}
    for i in range(30):
        readers[f"bg{i}"] = (rng.choice(N, int(rng.integers(50, 3000)), replace=False), {ITEM, NAME})
    reports = [(o, ITEM) for o in rng.choice(wh, 60, replace=False)]
    reports += [(o, NAME) for o in rng.choice(courier, 20, replace=False)]
    reports += [(o, int(rng.integers(0, 2))) for o in rng.choice(N, 20, replace=False)]
    ids = list(readers)
    sets = {s: set(o.tolist()) for s, (o, _) in readers.items()}
    si, ri = zip(*[(i, r) for i, s in enumerate(ids) for r, (o, c) in enumerate(reports)
                   if o in sets[s] and c in readers[s][1]], strict=True)
    hits = SubjectHits.from_pairs(ids, si, ri, read_size=[len(sets[s]) for s in ids], n_orders=N,
                                  n_reports=len(reports), party_of=ids)
    k = len(ids)
    size = np.array([[len(sets[s]) if c in readers[s][1] else 0 for c in (ITEM, NAME)] for s in ids], float)
    ov = np.zeros((k, k, 2))
    for a, sa in enumerate(ids):
        for b, sb in enumerate(ids):
            for c in (ITEM, NAME):
                if c in readers[sa][1] and c in readers[sb][1]:
                    ov[a, b, c] = len(sets[sa] & sets[sb])
    cover = Coverage(np.array([c for _, c in reports], dtype=np.int64), size, ov)
    return hits, cover, {"leakers": {0, 1}}


def _attribute(hits: SubjectHits, cover: Coverage):  # noqa: ANN202 - test helper
    scr = screen(hits, t_screen=1e-3)
    cand = scr.candidates
    sub = Coverage(cover.cls, cover.size[cand], cover.overlap[np.ix_(cand, cand)])
    return decide(scr, mixture_fit(hits, cand, sub), n_tests=64, alpha=1e-6, mode="mixture")


def _accused(hits: SubjectHits, cover: Coverage) -> set[str]:
    return {s.subject_id for s in _attribute(hits, cover).accused}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_field_coverage_separates_a_courier_inside_a_warehouse(seed: int) -> None:
    hits, cover, _ = _world(seed)
    assert _accused(hits, cover) == {"warehouse", "courier"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_field_detail_strengthens_the_evidence_against_the_courier(seed: int) -> None:
    hits, cover, _ = _world(seed)
    plain = Coverage.plain(hits.read_size, cover.overlap[:, :, NAME], hits.n_reports)

    def courier_log10p(c: Coverage) -> float:
        return next(s.log10_p_conditional for s in _attribute(hits, c).subjects if s.subject_id == "courier")

    # without field detail the warehouse's item calls look like a random order of the courier's
    assert courier_log10p(cover) < courier_log10p(plain) - 1


def test_em_finds_the_specific_source_of_nested_reads() -> None:
    # reports 0-9 hit by a small reader (10 orders) and a big one (1000); the rest by neither
    lik = np.zeros((2, 20))
    lik[0, :10] = 1 / 10
    lik[1, :10] = 1 / 1000
    weights, gamma, gamma_bg = fit_mixture(lik, np.full(20, 1 / 100_000))
    assert weights[0] == pytest.approx(0.5, abs=1e-3) and weights[1] < 1e-3
    assert gamma[0, :10].min() > 0.99 and gamma_bg[10:].min() > 0.99

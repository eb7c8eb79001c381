"""Attribution on synthetic set systems: who is accused, who is explained away."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from _trace_synth import World, accused, figures

from ordermoat.domain import Suspect
from ordermoat.trace.attribution import attribute, screen
from ordermoat.trace.hits import SubjectHits

MODES = ["all", "eliminate", "mixture"]
Scenario = Callable[[int], tuple[World, np.ndarray, set[str], set[str]]]


def _world(seed: int) -> World:
    w = World(20_000, np.random.default_rng(seed))
    w.background(60)
    return w


def single_leaker(seed: int):
    w = _world(seed)
    w.add("L", w.sample(400), "shopA")
    return w, w.reports({"L": 25}, 25), {"L"}, set()


def superset_app(seed: int):
    w = _world(seed)
    leaked = w.add("L", w.sample(400), "shopA")
    w.add("erp", np.concatenate([leaked, w.sample(3000)]), "erp-vendor")
    return w, w.reports({"L": 25}, 25), {"L"}, {"erp"}


def subset_reviewer(seed: int):
    w = _world(seed)
    leaked = w.add("L", w.sample(400), "shopA")
    w.add("reviewer", w.sample(120, leaked), "shopA")
    return w, w.reports({"L": 40}, 20), {"L"}, {"reviewer"}


def dispatcher_courier(seed: int):
    w = _world(seed)
    depot = w.rng.permutation(w.sample(3000))
    for i in range(10):
        w.add(f"courier{i}", depot[i * 300 : (i + 1) * 300], "express")
    w.add("dispatcher", depot, "express")
    return w, w.reports({"courier3": 25}, 25), {"courier3"}, {"dispatcher"}


def three_in_one_shop(seed: int):
    w = _world(seed)
    shop = w.sample(6000)
    for i in range(20):
        w.add(f"agent{i}", w.sample(300, shop), "shop")
    w.add("erp", shop, "erp-vendor")
    leaks = {"agent0": 30, "agent1": 30, "agent2": 30}
    return w, w.reports(leaks, 20), set(leaks), {"erp"}


def two_independent(seed: int):
    w = _world(seed)
    w.add("L1", w.sample(300), "shopA")
    w.add("L2", w.sample(600), "shopB")
    return w, w.reports({"L1": 20, "L2": 20}, 20), {"L1", "L2"}, set()


def no_leaker(seed: int):
    w = _world(seed)
    leaked = w.add("clerk", w.sample(400), "shopA")
    w.add("erp", np.concatenate([leaked, w.sample(5000)]), "erp-vendor")
    return w, w.reports({}, 50), set(), set()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    "scenario",
    [single_leaker, superset_app, subset_reviewer, dispatcher_courier, three_in_one_shop,
     two_independent, no_leaker],
)
def test_accuses_exactly_the_leakers(scenario: Scenario, seed: int, mode: str) -> None:
    w, reported, leakers, decoys = scenario(seed)
    result = w.attribute(reported, mode=mode)
    assert accused(result) == leakers
    for name in decoys:  # the decoy would be accused on its marginal p: the test can fail
        d = figures(result, name)
        assert d.log10_p_marginal <= np.log10(result.threshold)
        assert d.candidate and not d.accused and d.explained_by in leakers


@pytest.mark.parametrize("mode", MODES)
def test_near_identical_accounts_are_not_told_apart(mode: str) -> None:
    """Two accounts reading the same orders (plus 10): the logs cannot say which leaked.

    The simultaneous-drop rule drops both (each explains the other) and then accuses both.
    """
    w = _world(5)
    leaked = w.add("L", w.sample(400), "shopA")
    w.add("twin", np.concatenate([leaked, w.sample(10)]), "shopA")
    reported = w.reports({"L": 30}, 20)
    result = w.attribute(reported, mode=mode)
    assert accused(result) == set()
    assert {figures(result, "L").explained_by, figures(result, "twin").explained_by} == {"L", "twin"}
    assert accused(w.attribute(reported, level="party")) == {"shopA"}


def _big_agents(seed: int, leaks: dict[str, int]):
    w = _world(seed)
    shop = w.rng.permutation(w.sample(3000))
    for i in range(3):
        w.add(f"agent{i}", shop[i * 600 : (i + 1) * 600], "shop")
    w.add("erp", shop, "erp-vendor")
    return w, w.reports(leaks, 20)


@pytest.mark.parametrize("seed", [0, 1])
def test_agents_covering_much_of_the_app_need_elimination(seed: int) -> None:
    """Agents each reading 20% of the app's orders: 'all' is too careful, 'eliminate' not."""
    w, reported = _big_agents(seed, {"agent0": 30, "agent1": 30, "agent2": 30})
    assert accused(w.attribute(reported, mode="all")) == set()
    assert accused(w.attribute(reported, mode="eliminate")) == {"agent0", "agent1", "agent2"}


@pytest.mark.parametrize("mode", MODES)
def test_app_leaking_is_not_blamed_on_its_agents(mode: str) -> None:
    w, reported = _big_agents(2, {"erp": 90})
    assert accused(w.attribute(reported, mode=mode)) == {"erp"}


@pytest.mark.parametrize("mode", MODES)
def test_partitioning_agents_are_unidentifiable(mode: str) -> None:
    """Agents that split the app's reads exactly: app-leaks and agents-leak look the same."""
    w = _world(4)
    shop = w.rng.permutation(w.sample(900))
    for i in range(3):
        w.add(f"agent{i}", shop[i * 300 : (i + 1) * 300], "shop")
    w.add("erp", shop, "shop")
    reported = w.reports({"agent0": 30, "agent1": 30, "agent2": 30}, 10)
    assert accused(w.attribute(reported, mode=mode)) == set()
    assert accused(w.attribute(reported, level="party")) == {"shop"}


def test_party_level_names_the_shop_not_the_vendor() -> None:
    w, reported, _, _ = superset_app(0)
    result = w.attribute(reported, level="party")
    assert accused(result) == {"shopA"}
    assert figures(result, "shopA").party_id == "shopA"


def test_phone_only_reports_still_attribute() -> None:
    """A third of the reports name only a phone: the buyer's 3 orders, one of them leaked."""
    w, reported, leakers, _ = superset_app(3)
    reports = [[o, *w.sample(2)] if i % 3 == 0 else [o] for i, o in enumerate(reported)]
    result = w.attribute(reports)
    assert accused(result) == leakers
    assert result.subjects[0].hits >= 0 and figures(result, "L").hits >= 25


def test_each_report_goes_to_the_most_specific_accused() -> None:
    w = _world(8)
    inner = w.add("inner", w.sample(300), "shopA")
    outer = w.add("outer", np.concatenate([inner, w.sample(3000)]), "shopB")
    reported = np.r_[w.sample(25, inner), w.sample(25, np.setdiff1d(outer, inner)), w.sample(10)]
    result = w.attribute(reported)
    assert accused(result) == {"inner", "outer"}
    names = np.array([result.subjects[i].subject_id if i >= 0 else "" for i in result.assignment])
    assert set(names[:25]) == {"inner"} and set(names[25:50]) == {"outer"}
    np.testing.assert_array_equal(result.assigned_reports("inner"), np.arange(25))
    assert set(result.unexplained_reports) >= set(range(50, 60)) - set(figures(result, "outer").hit_reports)


def test_figures_and_suspects() -> None:
    w, reported, _, _ = superset_app(1)
    result = w.attribute(reported)
    top = result.ranked()[0]
    assert top.subject_id == "L" and top.accused and top.party_id == "shopA"
    assert top.hits >= 25 and top.expected < 2 and top.p_value == top.p_conditional
    assert set(top.hit_reports) >= set(range(25))
    assert result.threshold == pytest.approx(1e-6 / result.n_tests)
    suspects = result.to_suspects()
    assert isinstance(suspects[0], Suspect) and suspects[0].actor_id == "L" and suspects[0].accused
    assert sum(s.accused for s in suspects) == 1


def test_no_candidates_and_bad_input() -> None:
    hits = SubjectHits.from_pairs(["a", "b"], [0], [0], read_size=[10, 5], n_orders=100, n_reports=3)
    scr = screen(hits)
    assert scr.candidate_ids == []
    result = attribute(scr, np.zeros((0, 0)), n_tests=10)
    assert result.accused == [] and list(result.unexplained_reports) == [0, 1, 2]
    hits2 = SubjectHits.from_pairs(["a"], [0, 0], [0, 1], read_size=[1], n_orders=10**6, n_reports=2)
    with pytest.raises(ValueError, match="1x1"):
        attribute(screen(hits2), np.zeros((2, 2)), n_tests=10)
    with pytest.raises(ValueError):
        attribute(screen(hits2), np.ones((1, 1)), n_tests=0)
    with pytest.raises(ValueError):
        SubjectHits.from_pairs(["a"], [0], [0], read_size=[0], n_orders=10, n_reports=1)

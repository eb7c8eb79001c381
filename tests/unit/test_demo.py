"""What `make demo` promises: on a fresh workspace it accuses exactly the simulator's leakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ingest_all, simulated
from ordermoat import Moat
from ordermoat.demo import run_demo


@pytest.mark.parametrize("seed", [101, 202])
def test_demo_accuses_exactly_the_leakers(tmp_path: Path, seed: int) -> None:
    result = run_demo(tmp_path, seed=seed)
    assert len(result.leakers) >= 2  # a mixed leak
    assert result.accused == result.leakers
    out = result.trace.to_dict()
    seen = [r for c in out["cases"] for r in c["report_ids"]] + out["unexplained_report_ids"]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == result.stats["reports"]
    # Each leaker's case holds most of the reports it caused (a heavy reader that leaked also
    # "explains" unrelated reports it happened to read: the reads cannot tell them apart).
    case_of = {c.suspects[0].actor_id: set(c.report_ids) for c in result.trace.cases}
    for leaker in result.leakers:
        caused = {r for r, src in result.truth["report_sources"].items() if src == leaker}
        assert len(caused & case_of[leaker]) >= 0.8 * len(caused)
    for case in result.trace.cases:
        source = case.suspects[0]
        assert source.accused and source.p_value <= result.trace.threshold
        assert case.exposed_orders > 0 and source.evidence


def test_no_leak_accuses_nobody(tmp_path: Path) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "none", 9, 20_000, report_rate=0.2)
    with Moat.open(tmp_path / "ws") as moat:
        ingest_all(moat, data)
        result = moat.trace()
    assert not truth["leakers"]
    assert result.accused == []
    assert all(not p.accused for c in result.cases for p in c.party_suspects)

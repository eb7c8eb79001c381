"""Synthetic set systems for the attribution tests: actors with read sets and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ordermoat.trace.attribution import Attribution, run_attribution
from ordermoat.trace.conditional import Mode
from ordermoat.trace.hits import SubjectHits


Reported = Sequence[int] | Sequence[Sequence[int]] | NDArray[np.int64]


@dataclass
class World:
    """An order universe and actors (each a set of orders read), grouped into parties."""

    n_orders: int
    rng: np.random.Generator
    ids: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    reads: list[NDArray[np.int64]] = field(default_factory=list)

    def add(self, actor: str, orders: NDArray[np.int64], party: str | None = None) -> NDArray[np.int64]:
        orders = np.unique(np.asarray(orders, dtype=np.int64))
        self.ids.append(actor)
        self.parties.append(party or f"p-{actor}")
        self.reads.append(orders)
        return orders

    def sample(self, size: int, pool: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
        pool = np.arange(self.n_orders) if pool is None else pool
        return self.rng.choice(pool, size=min(size, len(pool)), replace=False)

    def background(self, n_actors: int, lo: int = 20, hi: int = 2000) -> None:
        for i in range(n_actors):
            self.add(f"bg{i}", self.sample(int(self.rng.integers(lo, hi))), party=f"bgp{i % 7}")

    def reports(self, leaks: dict[str, int], noise: int) -> NDArray[np.int64]:
        """Reported orders: ``leaks[actor]`` sampled from its reads, plus uniform noise."""
        out = [self.sample(k, self.reads[self.ids.index(a)]) for a, k in leaks.items()]
        out.append(self.sample(noise))
        return np.concatenate(out)

    def matrix(self, level: str = "actor") -> tuple[list[str], sp.csr_array, list[str | None] | None]:
        rows = np.repeat(np.arange(len(self.reads)), [len(r) for r in self.reads])
        mat = sp.csr_array(
            (np.ones(len(rows), bool), (rows, np.concatenate(self.reads))),
            shape=(len(self.reads), self.n_orders),
        )
        if level == "actor":
            return self.ids, mat, list(self.parties)
        names = sorted(set(self.parties))
        pos = {p: i for i, p in enumerate(names)}
        agg = sp.csr_array(
            (np.ones(len(self.ids)), ([pos[p] for p in self.parties], np.arange(len(self.ids)))),
            shape=(len(names), len(self.ids)),
        )
        return names, sp.csr_array((agg @ mat) > 0), None

    def hits(self, reported: Reported, level: str = "actor") -> tuple[SubjectHits, sp.csr_array]:
        """Hits on reports; a report is an order, or a list of orders (phone-only reports)."""
        ids, mat, party = self.matrix(level)
        sets = [np.atleast_1d(np.asarray(r, dtype=np.int64)) for r in reported]
        m = np.array([len(r) for r in sets], dtype=np.int64)
        inc = sp.csr_array(
            (np.ones(int(m.sum())), (np.repeat(np.arange(len(sets)), m), np.concatenate(sets))),
            shape=(len(sets), self.n_orders),
        )
        h = (mat.astype(np.float64) @ inc.T) > 0
        return SubjectHits.from_matrix(
            ids, h, read_size=np.asarray(mat.sum(axis=1)).ravel(), n_orders=self.n_orders,
            report_orders=m, party_of=party,
        ), mat

    def attribute(self, reported: Reported, *, level: str = "actor", alpha: float = 1e-6,
                  n_tests: int | None = None, mode: Mode = "all", t_screen: float = 1e-4) -> Attribution:
        hits, mat = self.hits(reported, level)
        pos = {s: i for i, s in enumerate(hits.subject_ids)}

        def overlap_of(cands: Sequence[str]) -> NDArray[np.float64]:
            sub = mat[[pos[c] for c in cands]].astype(np.float64)
            return (sub @ sub.T).toarray()

        m = n_tests or (len(self.ids) + len(set(self.parties)))
        return run_attribution(hits, overlap_of, n_tests=m, alpha=alpha, t_screen=t_screen, mode=mode)


def accused(result: Attribution) -> set[str]:
    return {s.subject_id for s in result.accused}


def figures(result: Attribution, subject: str):  # noqa: ANN201 - test helper
    return next(s for s in result.subjects if s.subject_id == subject)

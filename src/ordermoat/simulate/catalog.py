"""What the shops sell: product titles by category with price ranges."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ordermoat.simulate.vocab import lines

__all__ = ["Catalog", "catalog"]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Items ordered by category; ``start[c]:start[c+1]`` are category ``c``'s items."""

    categories: tuple[str, ...]
    titles: tuple[str, ...]
    start: np.ndarray
    price_lo: np.ndarray  # CNY
    price_hi: np.ndarray

    def items_in(self, category: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An item of each given category (``u`` uniform in [0, 1))."""
        lo, hi = self.start[category], self.start[category + 1]
        return lo + (u * (hi - lo)).astype(np.int64)

    def prices(self, item: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A unit price in cents, ending in 0 or 9 fen/yuan as shops price things."""
        yuan = self.price_lo[item] + u * (self.price_hi[item] - self.price_lo[item])
        cents = np.round(yuan).astype(np.int64) * 100
        return np.where(u < 0.5, cents - 10, cents)


@cache
def catalog() -> Catalog:
    rows = sorted((r.split("\t") for r in lines("items.tsv")), key=lambda r: r[0])
    cats = tuple(dict.fromkeys(r[0] for r in rows))
    counts = np.array([sum(1 for r in rows if r[0] == c) for c in cats])
    return Catalog(
        categories=cats,
        titles=tuple(r[1] for r in rows),
        start=np.concatenate([[0], np.cumsum(counts)]),
        price_lo=np.array([float(r[2]) for r in rows]),
        price_hi=np.array([float(r[3]) for r in rows]),
    )

"""Loading the small vocabularies shipped in ``simulate/data``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

__all__ = ["lines", "weighted"]


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of ``data/<name>``."""
    text = files("ordermoat.simulate").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(s for s in (ln.strip() for ln in text.splitlines()) if s and not s.startswith("#"))


def weighted(name: str) -> tuple[list[str], np.ndarray]:
    """A ``value<TAB>weight`` file as values and float weights."""
    rows = [ln.split("\t") for ln in lines(name)]
    return [r[0] for r in rows], np.array([float(r[1]) for r in rows])

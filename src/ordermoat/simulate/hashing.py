"""Keyed pseudo-random draws: the same key always gives the same value.

A buyer's name, phone and address are functions of the buyer's number, so a buyer who
orders twice looks the same both times without a table of buyers held in memory, and
order attributes do not depend on how the work was cut into chunks.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["salt", "mix", "uniform", "pick", "below"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)


def salt(seed: int, purpose: str) -> int:
    """A 64-bit salt for one ``purpose`` under ``seed``."""
    digest = hashlib.blake2b(f"{seed}:{purpose}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def mix(keys: np.ndarray, key_salt: int) -> np.ndarray:
    """SplitMix64 of ``keys`` under ``key_salt``: uniformly spread ``uint64`` values."""
    with np.errstate(over="ignore"):
        z = np.asarray(keys).astype(np.uint64) * _GOLDEN + np.uint64(key_salt)
        z = (z ^ (z >> np.uint64(30))) * _C1
        z = (z ^ (z >> np.uint64(27))) * _C2
        return z ^ (z >> np.uint64(31))


def uniform(keys: np.ndarray, key_salt: int) -> np.ndarray:
    """A float in ``[0, 1)`` per key."""
    return (mix(keys, key_salt) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def below(keys: np.ndarray, key_salt: int, n: int | np.ndarray) -> np.ndarray:
    """An integer in ``[0, n)`` per key (``n`` may be an array)."""
    return (uniform(keys, key_salt) * n).astype(np.int64)


def pick(keys: np.ndarray, key_salt: int, weights: np.ndarray) -> np.ndarray:
    """An index into ``weights`` per key, drawn in proportion to the weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    idx = np.searchsorted(cum, uniform(keys, key_salt) * cum[-1], side="right")
    return np.minimum(idx, len(cum) - 1)

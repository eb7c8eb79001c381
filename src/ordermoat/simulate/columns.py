"""Building Arrow columns from numpy arrays without per-row Python work."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TS_TYPE", "MONEY_TYPE", "id_strings", "timestamps", "money", "join", "list_column", "take"]

#: Timestamps are written in China Standard Time, to the second.
TS_TYPE = pa.timestamp("s", tz="+08:00")
MONEY_TYPE = pa.decimal128(12, 2)


def id_strings(prefix: str, nums: np.ndarray, width: int) -> pa.Array:
    """``prefix`` followed by each number zero-padded to ``width`` digits."""
    digits = pc.utf8_lpad(pa.array(np.asarray(nums, dtype=np.int64)).cast(pa.string()), width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def timestamps(secs: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Epoch seconds as CST timestamps; where ``valid`` is False the value is null."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(secs, dtype=np.int64), type=pa.int64(), mask=mask).cast(TS_TYPE)


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Integer cents as a CNY decimal column."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    yuan = np.round(np.asarray(cents, dtype=np.float64)) / 100.0
    return pa.array(yuan, mask=mask).cast(MONEY_TYPE, safe=False)


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string columns (or constant strings) element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def take(values: pa.Array | list[str], idx: np.ndarray) -> pa.Array:
    """``values[idx]`` for a vocabulary given as a list or an Arrow array."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return arr.take(pa.array(np.asarray(idx, dtype=np.int64)))


def list_column(offsets: np.ndarray, values: pa.Array) -> pa.ListArray:
    """A list column whose row ``i`` is ``values[offsets[i]:offsets[i+1]]``."""
    return pa.ListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int32)), values)

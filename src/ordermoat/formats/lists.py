"""List columns: native lists, JSON arrays, or text split on a separator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.formats.converters import Converted, Converter, as_text, scatter
from ordermoat.formats.duck import Duck

__all__ = ["StringList"]


@dataclass(frozen=True)
class StringList(Converter):
    """A list of strings: native, a JSON array, or text split on ``sep``.

    Items are trimmed and blanks dropped; an empty list counts as absent (NULL). With
    ``allowed``, items are lower-cased and must be in it.
    """

    sep: str = ";"
    allowed: tuple[str, ...] = ()
    unknown_reason: str = "unknown name"
    invalid_reason: str = "not a list"
    out_type = pa.list_(pa.string())

    @property
    def low_cardinality(self) -> bool:  # type: ignore[override]
        return bool(self.allowed)

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        n = len(col)
        invalid = None
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            lists = col
        else:
            text = as_text(col)
            lists = pc.split_pattern(text, self.sep)
            is_json = pc.fill_null(pc.starts_with(text, "["), False)
            if pc.any(is_json).as_py():
                idx = pc.indices_nonzero(is_json)
                expr = "CASE WHEN json_valid(x) AND json_type(x) = 'ARRAY' THEN from_json(x, '[\"VARCHAR\"]') END"
                parsed = duck.map_column(expr, pc.take(text, idx))
                lists = scatter(lists, idx, parsed.cast(lists.type))
            invalid = pc.and_(pc.is_valid(text), pc.is_null(lists))
        items = as_text(pc.list_flatten(lists))
        if self.allowed:
            items = pc.utf8_lower(items)
        keep = pc.is_valid(items)
        parents = pc.list_parent_indices(lists).to_numpy()
        counts = np.bincount(parents[keep.to_numpy(zero_copy_only=False)], minlength=n)
        offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
        present = pa.array(counts > 0)
        value = pa.ListArray.from_arrays(offsets, pc.filter(items, keep), mask=pc.invert(present))
        checks = []
        if self.allowed:
            unknown = pc.invert(pc.is_in(pc.list_flatten(value), pa.array(self.allowed, pa.string())))
            rows = pc.list_parent_indices(value).to_numpy()[unknown.to_numpy(zero_copy_only=False)]
            checks.append((pa.array(np.bincount(rows, minlength=n) > 0), self.unknown_reason))
        return Converted(value, pc.invert(present), invalid, checks)

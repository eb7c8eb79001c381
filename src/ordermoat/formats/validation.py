"""Validate and normalize a raw batch, vectorized (pyarrow.compute; DuckDB for the rare).

Each input column goes through its converter, which yields values and problem masks.
A row's reason is the first problem in column order; Python only touches rejected rows.
Derived columns (``field_mask``, derived ``event_id`` ...) are computed on good rows only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.formats.converters import Converted
from ordermoat.formats.duck import Duck
from ordermoat.formats.schemas import schema_for
from ordermoat.formats.specs import KindSpec

__all__ = ["Validated", "Validator"]


@dataclass(frozen=True, slots=True)
class Validated:
    """The good rows (exact schema) and the rejected rows as (line, reason)."""

    good: pa.Table
    rejected: list[tuple[int, str]]


class Validator:
    """Validates raw tables of one kind: contract-named columns plus ``__line``.

    A ``__bad`` column, if present, holds a structural problem found by the reader.
    """

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec
        self.schema = schema_for(spec.kind)

    def run(self, duck: Duck, raw: pa.Table) -> Validated:
        raw = raw.combine_chunks()
        n = raw.num_rows
        names = set(raw.column_names)
        converted: dict[str, Converted] = {}
        problems: list[tuple[pa.Array, str]] = []
        if "__bad" in names:
            problems.append((pc.is_valid(raw.column("__bad")), ""))
        for col in self.spec.columns:
            if col.name in names:
                c = col.conv.convert_column(
                    raw.column(col.name).chunk(0) if n else _empty(raw, col.name), duck
                )
            else:
                c = Converted(pa.nulls(n, col.conv.out_type), pa.array(np.ones(n, dtype=bool)))
            converted[col.name] = c
            if col.name in self.spec.required:
                problems.append((c.missing, f"{col.name}: missing"))
            if c.invalid is not None:
                problems.append((c.invalid, f"{col.name}: {col.conv.invalid_reason}"))
            problems.extend((mask, f"{col.name}: {why}") for mask, why in c.checks)
        problems.extend((check(converted), why) for check, why in self.spec.row_checks)

        masks = [pc.fill_null(mask, False).to_numpy(zero_copy_only=False) for mask, _ in problems]
        bad = np.logical_or.reduce(masks) if masks else np.zeros(n, dtype=bool)
        rejected: list[tuple[int, str]] = []
        values = {name: c.value for name, c in converted.items()}
        if bad.any():
            rows = np.flatnonzero(bad)
            first = np.argmax(np.stack([m[rows] for m in masks]), axis=0)
            lines = raw.column("__line").to_numpy()[rows]
            bad_text = raw.column("__bad").to_pylist() if "__bad" in names else None
            for row, line, k in zip(rows.tolist(), lines.tolist(), first.tolist(), strict=True):
                reason = problems[k][1] or (bad_text[row] if bad_text else "malformed row")
                rejected.append((line, reason))
            keep = pa.array(~bad)
            values = {name: pc.filter(v, keep) for name, v in values.items()}
        return Validated(self._assemble(values, duck), rejected)

    def _assemble(self, values: dict[str, pa.Array], duck: Duck) -> pa.Table:
        out: dict[str, pa.Array] = dict(values)
        for name, derive in self.spec.derived:
            out[name] = derive(out, duck)
        n = len(next(iter(values.values()))) if values else 0
        arrays = [(out[f.name] if f.name in out else pa.nulls(n)).cast(f.type) for f in self.schema]
        return pa.Table.from_arrays(arrays, schema=self.schema)


def _empty(raw: pa.Table, name: str) -> pa.Array:
    return pa.array([], raw.schema.field(name).type)

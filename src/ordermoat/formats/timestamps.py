"""Timestamp converters: ISO-8601 text (no offset = +08:00), native Parquet times, epoch ms.

Output is UTC microseconds. The common case (every value ISO-8601 without offset) is one
pyarrow cast; the rest goes through strptime and, for offsets and fractions with offsets,
DuckDB's parser (its session zone is a fixed +08:00).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.formats.converters import (
    TS_UTC,
    Converted,
    Converter,
    as_text,
    invalid_mask,
    scatter,
    set_null,
)
from ordermoat.formats.duck import Duck

__all__ = ["CST_OFFSET_US", "EpochMillis", "Timestamp"]

#: China Standard Time, the zone of a timestamp written without an offset.
CST_OFFSET_US = 8 * 3600 * 1_000_000


class Timestamp(Converter):
    """ISO-8601 as UTC microseconds; no offset means +08:00 (China Standard Time)."""

    invalid_reason = "not an ISO-8601 timestamp"
    out_type = TS_UTC

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        t = col.type
        if pa.types.is_timestamp(t) and t.tz is not None:
            value = pc.cast(col, TS_UTC)
            return Converted(value, pc.is_null(value))
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            return Converted(_from_cst(pc.cast(col, pa.timestamp("us"))), pc.is_null(col))
        if col.type == pa.string() and type(self).parse is Timestamp.parse:
            try:  # the common case, without trimming: ISO-8601 without offset
                value = _from_cst(_real_dates(col, pc.cast(col, pa.timestamp("us"))))
                return Converted(value, pc.is_null(col), pc.and_(pc.is_valid(col), pc.is_null(value)))
            except pa.ArrowInvalid:
                pass
        text = as_text(col)
        value = self.parse(text, duck)
        present = pc.is_valid(text)
        return Converted(value, pc.invert(present), invalid_mask(present, value))

    def parse(self, text: pa.Array, duck: Duck) -> pa.Array:
        try:  # the common case: every value ISO-8601 without offset
            return _from_cst(_real_dates(text, pc.cast(text, pa.timestamp("us"))))
        except pa.ArrowInvalid:
            pass
        value = pc.cast(pa.nulls(len(text)), TS_UTC)
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
            naive = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
            value = pc.coalesce(value, _from_cst(_real_dates(text, naive)))
        rest = pc.and_(pc.is_valid(text), pc.is_null(value))
        if pc.any(rest).as_py():  # fractions with offsets and the like: DuckDB's parser
            idx = pc.indices_nonzero(rest)
            parsed = duck.map_column("epoch_us(TRY_CAST(x AS TIMESTAMPTZ))", pc.take(text, idx))
            value = scatter(value, idx, pc.cast(pc.cast(parsed, pa.int64()), TS_UTC))
        return value


def _real_dates(text: pa.Array, naive: pa.Array) -> pa.Array:
    """``naive`` with NULL where pyarrow rolled an impossible date over (02-30 → 03-01).

    Values parsed as ISO-8601 start ``YYYY-MM-DD``: the day written must be the day parsed.
    """
    written = pc.utf8_slice_codeunits(set_null(text, pc.is_null(naive)), 8, 10)
    same = pc.equal(pc.cast(written, pa.int64()), pc.day(naive))
    return set_null(naive, pc.invert(pc.fill_null(same, False)))


def _from_cst(naive: pa.Array) -> pa.Array:
    """Naive wall-clock times of +08:00 as UTC."""
    micros = pc.subtract(pc.cast(naive, pa.int64()), CST_OFFSET_US)
    return pc.cast(micros, TS_UTC)


class EpochMillis(Timestamp):
    """Epoch milliseconds (DataMoat's ``time``); an ISO-8601 string is accepted too."""

    invalid_reason = "not epoch milliseconds or an ISO-8601 timestamp"

    def parse(self, text: pa.Array, duck: Duck) -> pa.Array:
        numeric = pc.match_substring_regex(text, r"^[0-9]{1,15}(\.[0-9]*)?$")
        millis = pc.cast(set_null(text, pc.invert(numeric)), pa.float64())
        value = pc.cast(pc.cast(pc.round(pc.multiply(millis, 1000.0)), pa.int64()), TS_UTC)
        if pc.all(pc.or_(pc.is_null(text), numeric)).as_py():
            return value
        return pc.coalesce(value, super().parse(set_null(text, numeric), duck))

"""Converters: how one raw input column becomes one normalized column, vectorized.

A converter takes a raw column (text from CSV or JSON Lines, or a native Parquet type)
and returns the normalized values plus masks: ``missing`` (absent or blank), ``invalid``
(present but not convertible) and further checks, each with a reason. Reasons never quote
the value itself: it may be personal data. pyarrow.compute does the common cases; DuckDB
(:mod:`ordermoat.formats.duck`) the rare ones. Timestamps live in
:mod:`ordermoat.formats.timestamps`, lists in :mod:`ordermoat.formats.lists`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.formats.duck import Duck

__all__ = [
    "Converted",
    "Converter",
    "MONEY",
    "TS_UTC",
    "Text",
    "OneOf",
    "Phone",
    "Money",
    "Boolean",
    "JsonObject",
    "as_text",
    "invalid_mask",
    "scatter",
    "set_null",
]

TS_UTC = pa.timestamp("us", tz="UTC")
MONEY = pa.decimal128(18, 2)


@dataclass(slots=True)
class Converted:
    """A converted column: values (NULL when absent or invalid) and its problem masks."""

    value: pa.Array
    missing: pa.Array
    invalid: pa.Array | None = None
    checks: list[tuple[pa.Array, str]] = field(default_factory=list)


def set_null(arr: pa.Array, mask: pa.Array) -> pa.Array:
    """``arr`` with NULL where ``mask`` is true."""
    return pc.if_else(mask, pa.scalar(None, arr.type), arr)


def as_text(col: pa.Array) -> pa.Array:
    """``col`` as trimmed strings, blanks as NULL."""
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    if col.type != pa.string():
        col = pc.cast(col, pa.string())
    trimmed = pc.utf8_trim_whitespace(col)
    return set_null(trimmed, pc.equal(trimmed, ""))


def scatter(base: pa.Array, idx: pa.Array, values: pa.Array) -> pa.Array:
    """``base`` with ``values`` put at positions ``idx``."""
    index = np.arange(len(base), dtype=np.int64)
    index[idx.to_numpy()] = len(base) + np.arange(len(idx), dtype=np.int64)
    return pc.take(pa.concat_arrays([base, values]), pa.array(index))


def invalid_mask(present: pa.Array, value: pa.Array) -> pa.Array:
    """Present but not converted."""
    return pc.and_(present, pc.is_null(value))


class Converter:
    """Plain text, trimmed; present when non-empty."""

    invalid_reason = "invalid value"
    out_type: pa.DataType = pa.string()
    #: Few distinct values (a vocabulary): convert the distinct values only.
    low_cardinality = False

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        text = as_text(col)
        return Converted(text, pc.is_null(text))

    def convert_column(self, col: pa.Array, duck: Duck) -> Converted:
        """:meth:`convert`, through a dictionary when the column has few distinct values."""
        if not (self.low_cardinality and pa.types.is_string(col.type)):
            return self.convert(col, duck)
        encoded = pc.dictionary_encode(col)
        if len(encoded.dictionary) * 4 > len(col):
            return self.convert(col, duck)
        c = self.convert(pc.cast(encoded.dictionary, pa.string()), duck)
        idx = encoded.indices

        def spread(mask: pa.Array, default: bool) -> pa.Array:
            return pc.fill_null(pc.take(mask, idx), default)

        return Converted(
            pc.take(c.value, idx),
            spread(c.missing, True),
            None if c.invalid is None else spread(c.invalid, False),
            [(spread(mask, False), why) for mask, why in c.checks],
        )


Text = Converter


@dataclass(frozen=True)
class OneOf(Converter):
    """One of a closed vocabulary, case-insensitive; stored lower-case."""

    values: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...] = ()
    low_cardinality = True

    @property
    def invalid_reason(self) -> str:  # type: ignore[override]
        return "not one of " + ", ".join(self.values)

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        low = pc.utf8_lower(as_text(col))
        if self.synonyms:
            low = self._map_synonyms(low)
        ok = pc.is_in(low, pa.array(self.values, pa.string()))
        present = pc.is_valid(low)
        return Converted(set_null(low, pc.invert(ok)), pc.invert(present), pc.and_(present, pc.invert(ok)))

    def _map_synonyms(self, low: pa.Array) -> pa.Array:
        names = pc.replace_substring_regex(low, r"[\s-]+", "_")
        keys = pa.array([k for k, _ in self.synonyms], pa.string())
        idx = pc.index_in(names, keys)
        mapped = pc.take(pa.array([v for _, v in self.synonyms], pa.string()), idx)
        return pc.coalesce(mapped, names)


class Phone(Converter):
    """A mainland mobile number; spaces, dashes and a +86/86 prefix are dropped."""

    invalid_reason = "not an 11-digit mainland mobile number"

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        text = as_text(col)
        digits = pc.replace_substring_regex(text, r"[\s-]", "")
        ok = pc.match_substring_regex(digits, r"^(\+?86)?1[3-9][0-9]{9}$")
        value = set_null(pc.utf8_slice_codeunits(digits, -11), pc.invert(ok))
        present = pc.is_valid(text)
        return Converted(value, pc.invert(present), pc.and_(present, pc.invert(ok)))


class Money(Converter):
    """A non-negative CNY amount, rounded to two decimals."""

    invalid_reason = "not a decimal number"
    out_type = MONEY

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        t = col.type
        if pa.types.is_floating(t):
            col = pc.round(set_null(col, pc.is_nan(col)), 2)
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
            present = pc.is_valid(col)
            try:
                value = pc.cast(col, MONEY, safe=False)
            except pa.ArrowInvalid:
                value = duck.map_column("TRY_CAST(x AS DECIMAL(18,2))", col)
        else:
            text = as_text(col)
            present = pc.is_valid(text)
            try:
                value = pc.cast(text, MONEY)
            except pa.ArrowInvalid:
                value = duck.map_column("TRY_CAST(x AS DECIMAL(18,2))", text)
        negative = pc.fill_null(pc.less(value, pa.scalar(0, MONEY)), False)
        return Converted(
            value, pc.invert(present), invalid_mask(present, value), [(negative, "negative amount")]
        )


class Boolean(Converter):
    """true/false, 1/0, yes/no (any case), a JSON or native boolean."""

    invalid_reason = "not true/false"
    out_type = pa.bool_()
    low_cardinality = True
    TRUE = ("true", "1", "yes", "t", "y")
    FALSE = ("false", "0", "no", "f", "n")

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        if pa.types.is_boolean(col.type):
            return Converted(col, pc.is_null(col))
        low = pc.utf8_lower(as_text(col))
        yes = pc.is_in(low, pa.array(self.TRUE))
        no = pc.is_in(low, pa.array(self.FALSE))
        value = set_null(yes, pc.invert(pc.or_(yes, no)))
        present = pc.is_valid(low)
        return Converted(value, pc.invert(present), invalid_mask(present, value))


class JsonObject(Converter):
    """A JSON object (text, or a native struct or map), stored as minified JSON text."""

    invalid_reason = "not a JSON object"

    def convert(self, col: pa.Array, duck: Duck) -> Converted:
        if pa.types.is_struct(col.type) or pa.types.is_map(col.type):
            value = duck.map_column("CAST(to_json(x) AS VARCHAR)", col)
            return Converted(value, pc.is_null(col))
        text = as_text(col)
        expr = "CASE WHEN json_valid(x) AND json_type(x) = 'OBJECT' THEN CAST(json(x) AS VARCHAR) END"
        value = duck.map_column(expr, text) if text.null_count < len(text) else text
        present = pc.is_valid(text)
        return Converted(value, pc.invert(present), invalid_mask(present, value))

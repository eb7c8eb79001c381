"""What each kind's input columns are, how they convert, and what a row must satisfy.

A :class:`KindSpec` drives :mod:`ordermoat.formats.validation`. Its columns are the
contract's input columns (``fields``, not ``field_mask``); ``derived`` output columns are
computed, on the good rows only, from the converted values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ordermoat.domain import (
    ALL_FIELDS_MASK,
    ORDER_FIELDS,
    REPORTABLE_FIELDS,
    AccountKind,
    Channel,
    Kind,
    Operation,
    PartyKind,
)
from ordermoat.formats.converters import (
    Boolean,
    Converted,
    Converter,
    JsonObject,
    Money,
    OneOf,
    Phone,
    Text,
)
from ordermoat.formats.duck import Duck
from ordermoat.formats.lists import StringList
from ordermoat.formats.schemas import REQUIRED
from ordermoat.formats.timestamps import Timestamp

__all__ = [
    "ACCESS_COLUMNS",
    "ACCESS_DERIVED",
    "Column",
    "Derive",
    "KindSpec",
    "SPECS",
    "content_hash",
    "field_mask",
]

#: Computes an output column from the good rows' converted values (and earlier outputs).
Derive = Callable[[Mapping[str, pa.Array], Duck], pa.Array]
#: A whole-row check over the converted columns: a mask of failing rows.
RowCheck = Callable[[Mapping[str, Converted]], pa.Array]


@dataclass(frozen=True)
class Column:
    """An input column: its name and converter; required if in ``REQUIRED[kind]``."""

    name: str
    conv: Converter = field(default_factory=Text)


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    columns: tuple[Column, ...]
    derived: tuple[tuple[str, Derive], ...] = ()
    row_checks: tuple[tuple[RowCheck, str], ...] = ()
    #: Column groups of which a file needs at least one (besides ``REQUIRED``).
    any_of: tuple[tuple[str, ...], ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return REQUIRED[self.kind]


def field_mask(fields: pa.Array) -> pa.Array:
    """Bit mask (int16) of lists of field names, bit i = ``ORDER_FIELDS[i]``; NULL = all."""
    n = len(fields)
    mask = np.zeros(n, dtype=np.int16)
    idx = pc.index_in(pc.list_flatten(fields), pa.array(ORDER_FIELDS)).to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(fields).to_numpy()
    known = ~np.isnan(idx) if idx.dtype.kind == "f" else np.ones(len(idx), dtype=bool)
    bits = np.left_shift(1, idx[known].astype(np.int16)).astype(np.int16)
    np.bitwise_or.at(mask, parents[known], bits)
    mask[mask == 0] = ALL_FIELDS_MASK
    return pa.array(mask, pa.int16())


def content_hash(parts: list[pa.Array], need: pa.Array, duck: Duck) -> pa.Array:
    """Hex MD5 of the parts joined by U+001F, where ``need``; NULL elsewhere.

    Parts are normalized values, so the same content gives the same id in any format.
    """
    n = len(need)
    if not pc.any(need).as_py():
        return pa.nulls(n, pa.string())
    idx = pc.indices_nonzero(need)
    picked = parts if len(idx) == n else [pc.take(p, idx) for p in parts]
    joined = pc.binary_join_element_wise(*picked, "\x1f", null_handling="replace", null_replacement="")
    digests = duck.map_column("md5(x)", joined).cast(pa.string())
    if len(idx) == n:
        return digests
    index = np.full(n, len(idx), dtype=np.int64)
    index[idx.to_numpy()] = np.arange(len(idx))
    return pc.take(pa.concat_arrays([digests, pa.nulls(1, pa.string())]), pa.array(index))


def _text(arr: pa.Array) -> pa.Array:
    return pc.cast(arr, pa.string())


def _micros(ts: pa.Array) -> pa.Array:
    return _text(pc.cast(ts, pa.int64()))


def _joined(lists: pa.Array) -> pa.Array:
    return pc.binary_join(lists, "\x1e")


def _event_id(parts: Callable[[Mapping[str, pa.Array]], list[pa.Array]]) -> Derive:
    def derive(v: Mapping[str, pa.Array], duck: Duck) -> pa.Array:
        given = v["event_id"]
        if given.null_count == 0:
            return given  # every row carries its own id: nothing to hash
        return pc.coalesce(given, content_hash(parts(v), pc.is_null(given), duck))

    return derive


def _access_parts(v: Mapping[str, pa.Array]) -> list[pa.Array]:
    return [
        _micros(v["ts"]),
        v["actor_id"],
        _joined(v["order_ids"]),
        v["operation"],
        _text(v["field_mask"]),
        v["ip"],
        v["device_id"],
        v["app_id"],
        v["url"],
    ]


def _login_parts(v: Mapping[str, pa.Array]) -> list[pa.Array]:
    return [
        _micros(v["ts"]),
        v["account_id"],
        v["account_kind"],
        v["ip"],
        _text(v["success"]),
        v["device_id"],
        v["user_agent"],
    ]


ACCESS_COLUMNS: tuple[Column, ...] = (
    Column("event_id"),
    Column("ts", Timestamp()),
    Column("actor_id"),
    Column("order_ids", StringList()),
    Column("operation", OneOf(tuple(Operation))),
    Column("fields", StringList(allowed=ORDER_FIELDS, unknown_reason="unknown field name")),
    Column("ip"),
    Column("device_id"),
    Column("app_id"),
    Column("url"),
)
ACCESS_DERIVED: tuple[tuple[str, Derive], ...] = (
    ("field_mask", lambda v, duck: field_mask(v["fields"])),
    ("event_id", _event_id(_access_parts)),
)


def _no_order_nor_phone(c: Mapping[str, Converted]) -> pa.Array:
    return pc.and_(c["order_id"].missing, c["buyer_phone"].missing)


SPECS: dict[Kind, KindSpec] = {
    Kind.ACTORS: KindSpec(
        Kind.ACTORS,
        (
            Column("actor_id"),
            Column("party_id"),
            Column("party_kind", OneOf(tuple(PartyKind))),
            Column("role"),
            Column("display_name"),
        ),
    ),
    Kind.ORDERS: KindSpec(
        Kind.ORDERS,
        (
            Column("order_id"),
            Column("shop_id"),
            Column("buyer_id"),
            Column("buyer_name"),
            Column("buyer_phone", Phone()),
            Column("address"),
            Column("item_title"),
            Column("amount", Money()),
            Column("created_at", Timestamp()),
            Column("paid_at", Timestamp()),
            Column("shipped_at", Timestamp()),
            Column("delivered_at", Timestamp()),
            Column("carrier_id"),
            Column("courier_id"),
            Column("tracking_no"),
            Column("status"),
        ),
    ),
    Kind.ACCESS: KindSpec(Kind.ACCESS, ACCESS_COLUMNS, ACCESS_DERIVED),
    Kind.LOGINS: KindSpec(
        Kind.LOGINS,
        (
            Column("event_id"),
            Column("ts", Timestamp()),
            Column("account_id"),
            Column("account_kind", OneOf(tuple(AccountKind))),
            Column("ip"),
            Column("success", Boolean()),
            Column("device_id"),
            Column("user_agent"),
        ),
        (("event_id", _event_id(_login_parts)),),
    ),
    Kind.REPORTS: KindSpec(
        Kind.REPORTS,
        (
            Column("report_id"),
            Column("reported_at", Timestamp()),
            Column("order_id"),
            Column("buyer_phone", Phone()),
            Column("contacted_at", Timestamp()),
            Column("channel", OneOf(tuple(Channel))),
            Column("caller_number"),
            Column(
                "known_fields", StringList(allowed=REPORTABLE_FIELDS, unknown_reason="unknown field name")
            ),
            Column("recited", JsonObject()),
            Column("payee_account"),
            Column("loan_platforms", StringList()),
            Column("loss_amount", Money()),
            Column("transcript"),
        ),
        (("contacted_at", lambda v, duck: pc.coalesce(v["contacted_at"], v["reported_at"])),),
        ((_no_order_nor_phone, "order_id or buyer_phone: one is required"),),
        (("order_id", "buyer_phone"),),
    ),
}

"""The order-field taxonomy: which buyer data an access can reveal, and how sensitive it is.

Access events carry the fields a read showed in clear. Internally a set of fields is a
bit mask (``FieldMask``) so that the engine can test coverage with one ``&``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

__all__ = [
    "ORDER_FIELDS",
    "REPORTABLE_FIELDS",
    "ALL_FIELDS_MASK",
    "Sensitivity",
    "SENSITIVITY",
    "field_mask",
    "mask_fields",
]

#: Fields an access log may list in ``fields``; order matters: it fixes the bit of each.
ORDER_FIELDS: tuple[str, ...] = (
    "buyer_name",
    "buyer_phone",
    "address",
    "item_title",
    "amount",
    "created_at",
)

#: What a scam report's ``known_fields`` may name: the order fields plus the order id.
REPORTABLE_FIELDS: tuple[str, ...] = (*ORDER_FIELDS, "order_id")

ALL_FIELDS_MASK: int = (1 << len(ORDER_FIELDS)) - 1


class Sensitivity(IntEnum):
    """How much harm a field does in a scammer's hands."""

    LOW = 1  # amount
    ORDER = 2  # item, order time: lets a caller sound like customer service
    PERSONAL = 3  # name, address
    CONTACT = 4  # phone: lets the caller reach the buyer at all


SENSITIVITY: dict[str, Sensitivity] = {
    "buyer_name": Sensitivity.PERSONAL,
    "buyer_phone": Sensitivity.CONTACT,
    "address": Sensitivity.PERSONAL,
    "item_title": Sensitivity.ORDER,
    "amount": Sensitivity.LOW,
    "created_at": Sensitivity.ORDER,
}


def field_mask(fields: Iterable[str] | None) -> int:
    """Bit mask of ``fields``; ``None`` means every field (the contract's default).

    >>> field_mask(["buyer_name", "buyer_phone"])
    3
    >>> field_mask(None) == ALL_FIELDS_MASK
    True

    Names outside :data:`ORDER_FIELDS` (such as ``order_id``) carry no bit.
    """
    if fields is None:
        return ALL_FIELDS_MASK
    mask = 0
    for name in fields:
        if name in ORDER_FIELDS:
            mask |= 1 << ORDER_FIELDS.index(name)
    return mask


def mask_fields(mask: int) -> list[str]:
    """The field names in ``mask``, in taxonomy order.

    >>> mask_fields(5)
    ['buyer_name', 'address']
    """
    return [name for bit, name in enumerate(ORDER_FIELDS) if mask & (1 << bit)]

"""Plain types and vocabularies; imports nothing else of ordermoat."""

from ordermoat.domain.fields import (
    ALL_FIELDS_MASK,
    ORDER_FIELDS,
    REPORTABLE_FIELDS,
    SENSITIVITY,
    Sensitivity,
    field_mask,
    mask_fields,
)
from ordermoat.domain.kinds import LAKE_KINDS, STORE_KINDS, AccountKind, Channel, Kind, Operation, PartyKind
from ordermoat.domain.types import Case, IngestResult, RejectedRow, Suspect, TraceResult

__all__ = [
    "ALL_FIELDS_MASK",
    "ORDER_FIELDS",
    "REPORTABLE_FIELDS",
    "SENSITIVITY",
    "Sensitivity",
    "field_mask",
    "mask_fields",
    "LAKE_KINDS",
    "STORE_KINDS",
    "AccountKind",
    "Channel",
    "Kind",
    "Operation",
    "PartyKind",
    "Case",
    "IngestResult",
    "RejectedRow",
    "Suspect",
    "TraceResult",
]

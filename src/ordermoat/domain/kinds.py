"""The contract's input kinds and the closed vocabularies inside them."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Kind", "PartyKind", "Operation", "AccountKind", "Channel", "STORE_KINDS", "LAKE_KINDS"]


class Kind(StrEnum):
    """A kind of input file (``ordermoat ingest KIND FILE``)."""

    ACTORS = "actors"
    ORDERS = "orders"
    ACCESS = "access"
    LOGINS = "logins"
    REPORTS = "reports"


#: Kinds kept in the operational store (SQLite / PostgreSQL).
STORE_KINDS = frozenset({Kind.ACTORS, Kind.ORDERS, Kind.REPORTS})
#: Kinds kept as events in the lake (Parquet + engine).
LAKE_KINDS = frozenset({Kind.ACCESS, Kind.LOGINS})


class PartyKind(StrEnum):
    PLATFORM = "platform"
    MERCHANT = "merchant"
    ISV = "isv"
    LOGISTICS = "logistics"


class Operation(StrEnum):
    VIEW = "view"
    LIST = "list"
    SEARCH = "search"
    PRINT = "print"
    EXPORT = "export"
    DECRYPT = "decrypt"
    API_PULL = "api_pull"


class AccountKind(StrEnum):
    BUYER = "buyer"
    STAFF = "staff"


class Channel(StrEnum):
    APP = "app"
    HOTLINE = "hotline"
    POLICE = "police"
    WEB = "web"

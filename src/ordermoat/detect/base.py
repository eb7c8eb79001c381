"""The detector interface: a small ABC, the alert schema, and the registry.

A detector turns events of one lake kind (``access`` or ``logins``) into alerts, entirely
in the engine: it gets an Ibis table of the events to judge (``new``) and one of the
history to learn baselines from (``history``, which includes ``new``), and returns an Ibis
expression with :data:`ALERT_COLUMNS`. Built-ins register the way a plugin would, through
:data:`DEFAULT_DETECTORS` (resolved by name, nothing runs at import).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pyarrow as pa
from ibis.expr.types import Table

__all__ = [
    "ALERT_COLUMNS",
    "ALERT_SCHEMA",
    "Context",
    "Detector",
    "DEFAULT_DETECTORS",
    "DETECTORS",
    "register_detector",
    "load_detectors",
]

#: What every detector returns, one row per alert (before ids and de-duplication).
ALERT_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("subject_type", pa.string()),  # actor, account or ip
        ("subject_id", pa.string()),
        ("score", pa.float64()),  # 0..1
        ("window_start", pa.timestamp("us", tz="UTC")),
        ("window_end", pa.timestamp("us", tz="UTC")),
        ("reason", pa.string()),  # one line, no personal data
    ]
)
ALERT_COLUMNS = tuple(ALERT_SCHEMA.names)


@dataclass(frozen=True, slots=True)
class Context:
    """What a detector may look at besides the events: who the actors are."""

    actors: Table | None  # actor_id, party_id, party_kind, role (None if no actors ingested)
    params: dict[str, Any] = field(default_factory=dict)


class Detector(ABC):
    """Judge ``new`` events of :attr:`source` against their ``history``."""

    #: registry name and alert ``kind``
    name: ClassVar[str]
    #: the lake kind it reads: "access" or "logins"
    source: ClassVar[str]
    #: asks the runner for ``ctx.params["orders"]`` (``order_id, delivered_at`` from the store)
    needs_orders: ClassVar[bool] = False

    @abstractmethod
    def detect(self, new: Table, history: Table, ctx: Context) -> Table:
        """An Ibis expression with exactly :data:`ALERT_COLUMNS`."""


#: Built-in detectors as "module:class", loaded when a run asks for them.
DEFAULT_DETECTORS: dict[str, str] = {
    "bulk_access": "ordermoat.detect.reads_volume:BulkAccess",
    "off_hours": "ordermoat.detect.reads_volume:OffHours",
    "enumeration": "ordermoat.detect.reads_pattern:Enumeration",
    "fields_beyond_role": "ordermoat.detect.reads_pattern:FieldsBeyondRole",
    "new_source_bulk": "ordermoat.detect.reads_source:NewSourceBulk",
    "stale_order_reads": "ordermoat.detect.reads_stale:StaleOrderReads",
    "credential_stuffing": "ordermoat.detect.logins_sources:CredentialStuffing",
    "password_spraying": "ordermoat.detect.logins_sources:PasswordSpraying",
    "account_takeover": "ordermoat.detect.logins_accounts:AccountTakeover",
    "unusual_login": "ordermoat.detect.logins_accounts:UnusualLoginNotice",
    "lockout": "ordermoat.detect.logins_lockout:Lockout",
}
#: Detectors registered by plugins (and tests); they take precedence.
DETECTORS: dict[str, Callable[[], Detector]] = {}


def register_detector(name: str, factory: Callable[[], Detector]) -> None:
    DETECTORS[name] = factory


def load_detectors(names: list[str] | None = None) -> list[Detector]:
    """The detectors called ``names`` (all of them by default), built-ins and plugins."""
    available = {**{k: v for k, v in DEFAULT_DETECTORS.items()}, **DETECTORS}
    chosen = sorted(available) if names is None else names
    out: list[Detector] = []
    for name in chosen:
        if name in DETECTORS:
            out.append(DETECTORS[name]())
            continue
        module, _, cls = DEFAULT_DETECTORS[name].partition(":")
        out.append(getattr(importlib.import_module(module), cls)())
    return out

"""One engine interface over the lake; DuckDB embedded by default, PySpark at scale.

Capabilities write their queries once as Ibis expressions against :meth:`Engine.table`;
the engine runs them. Engines register themselves in :data:`ENGINES` the same way a
plugin would (see :func:`register_engine`).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
from ibis.expr.types import Table

from ordermoat._exceptions import ConfigError

__all__ = ["Engine", "ENGINES", "DEFAULT_ENGINES", "register_engine", "connect_engine", "engine_names"]


class Engine(ABC):
    """Runs Ibis expressions over the lake's Parquet partitions."""

    name: str = "abstract"

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    @abstractmethod
    def backend(self) -> Any:
        """The Ibis backend."""

    @abstractmethod
    def table(self, kind: str) -> Table | None:
        """The events of ``kind`` as an Ibis table, or ``None`` when the lake has none."""

    @abstractmethod
    def batches(self, kind: str, batch_ids: list[str]) -> Table | None:
        """Only the events of the given committed batches (for incremental work)."""

    def memtable(self, data: pa.Table, name: str) -> Table:
        """Small local data (reports, candidates) as a table the engine can join."""
        return self.backend.create_table(name, data, overwrite=True)

    def to_arrow(self, expr: Table) -> pa.Table:
        return self.backend.to_pyarrow(expr)

    def count(self, kind: str) -> int:
        t = self.table(kind)
        return 0 if t is None else int(self.backend.execute(t.count()))

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the engine's resources."""


#: Built-in engines, as "module:class", resolved only when asked for (nothing at import).
DEFAULT_ENGINES: dict[str, str] = {
    "duckdb": "ordermoat.lake.duckdb_engine:DuckDBEngine",
    "spark": "ordermoat.lake.spark_engine:SparkEngine",
}
#: Engines registered by plugins; they take precedence over the built-ins.
ENGINES: dict[str, Callable[[Path], Engine]] = {}


def register_engine(name: str, factory: Callable[[Path], Engine]) -> None:
    """Make ``factory`` available as ``init --engine NAME``."""
    ENGINES[name] = factory


def engine_names() -> list[str]:
    return sorted({*DEFAULT_ENGINES, *ENGINES})


def connect_engine(name: str, root: Path) -> Engine:
    """Open the engine called ``name`` over the lake at ``root``."""
    if name in ENGINES:
        return ENGINES[name](root)
    if name not in DEFAULT_ENGINES:
        raise ConfigError(f"unknown engine {name!r}: choose one of {', '.join(engine_names())}")
    module, _, cls = DEFAULT_ENGINES[name].partition(":")
    factory: Callable[[Path], Engine] = getattr(importlib.import_module(module), cls)
    return factory(root)

"""The operational store: SQLite by default, PostgreSQL by URL.

A :class:`Store` owns one SQLAlchemy engine. Rows arrive as Arrow tables in the formats
layer's normalized schemas and are inserted with "insert or ignore" on their key, in one
transaction per call, so a re-ingest adds nothing and a crash leaves nothing half-written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, make_url, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from ordermoat._exceptions import ConfigError
from ordermoat.store import schema

__all__ = ["Store", "sqlite_url"]

_MIGRATIONS = Path(__file__).with_name("migrations")
_CHUNK = 20_000


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Store:
    """The operational database of one workspace."""

    def __init__(self, url: str) -> None:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            raise ConfigError("not a database URL: expected sqlite:///FILE or postgresql://USER@HOST/DB") from None
        if backend not in ("sqlite", "postgresql"):
            raise ConfigError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise ConfigError(f"not a usable database URL: {exc.__class__.__name__}") from None
        if backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise ConfigError(f"cannot reach the database: {str(exc.orig).splitlines()[0]}") from None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- writing -------------------------------------------------------------------------

    def insert_ignore(self, conn: Connection, table: Table, rows: pa.Table) -> int:
        """Insert ``rows``, skipping keys already present; returns how many were new.

        Bulk paths per database, with every value bound: SQLite ``INSERT OR IGNORE`` through
        ``executemany``; PostgreSQL ``COPY`` into a temporary table, then ``INSERT ... ON
        CONFLICT DO NOTHING``.
        """
        before = self.count(table.name, conn)
        cols = [c for c in rows.column_names if c in table.c]
        names = ", ".join(f'"{c}"' for c in cols)  # our schema's names, never user input
        if self.dialect == "postgresql":
            tmp = f"_ingest_{table.name}"
            conn.exec_driver_sql(f'CREATE TEMP TABLE "{tmp}" (LIKE "{table.name}") ON COMMIT DROP')
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cur.copy(f'COPY "{tmp}" ({names}) FROM STDIN') as copy:
                for chunk in _tuples(rows, cols):
                    for row in chunk:
                        copy.write_row(row)
            conn.exec_driver_sql(f'INSERT INTO "{table.name}" SELECT * FROM "{tmp}" ON CONFLICT DO NOTHING')
            conn.exec_driver_sql(f'DROP TABLE "{tmp}"')
        else:
            marks = ", ".join("?" for _ in cols)
            stmt = f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({marks})'
            for chunk in _tuples(rows, cols):
                conn.exec_driver_sql(stmt, chunk)
        return self.count(table.name, conn) - before

    def insert(self, conn: Connection, table: Table, records: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(records), _CHUNK):
            conn.execute(table.insert(), list(records[i : i + _CHUNK]))

    # -- reading -------------------------------------------------------------------------

    def count(self, table_name: str, conn: Connection | None = None) -> int:
        table = schema.metadata.tables[table_name]
        stmt = select(func.count()).select_from(table)
        if conn is not None:
            return int(conn.execute(stmt).scalar_one())
        with self.engine.connect() as c:
            return int(c.execute(stmt).scalar_one())

    def fetch(self, stmt: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def file_seen(self, kind: str, sha256: str) -> bool:
        t = schema.ingest_files
        stmt = select(t.c.sha256).where(t.c.kind == kind, t.c.sha256 == sha256)
        return bool(self.fetch(stmt))

    def record_file(self, conn: Connection, kind: str, sha256: str, path: str, loaded: int, rejected: int) -> None:
        ins = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(schema.ingest_files)
        conn.execute(
            ins.on_conflict_do_nothing(),
            {
                "kind": kind,
                "sha256": sha256,
                "path": path,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "ingested_at": datetime.now(UTC).replace(tzinfo=None),
            },
        )


def _text(column: pa.ChunkedArray) -> list[Any]:
    """One column as DB-API values: timestamps as naive-UTC text in SQLAlchemy's SQLite
    format, decimals as text, lists as JSON; the rest as they are."""
    t = column.type
    if pa.types.is_timestamp(t):
        return column.cast(pa.timestamp("us")).cast(pa.string()).to_pylist()
    if pa.types.is_decimal(t):
        return column.cast(pa.string()).to_pylist()
    if pa.types.is_list(t):
        return [None if v is None else json.dumps(v, ensure_ascii=False) for v in column.to_pylist()]
    return column.to_pylist()


def _tuples(rows: pa.Table, cols: list[str]) -> Iterable[list[tuple[Any, ...]]]:
    for start in range(0, rows.num_rows, _CHUNK * 5):
        part = rows.slice(start, _CHUNK * 5)
        yield list(zip(*(_text(part[c]) for c in cols), strict=True))

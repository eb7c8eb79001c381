"""The composition root: a :class:`Moat` opens a workspace and hands out the capabilities.

Nothing here runs at import. ``Moat.open`` reads the settings, opens the store (running
its migrations) and makes the lake's engine on first use.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from ordermoat._exceptions import WorkspaceError
from ordermoat.detect.runner import DetectResult
from ordermoat.domain import IngestResult, TraceResult
from ordermoat.ingest import Progress, ingest_file
from ordermoat.lake import Engine, connect_engine, engine_names
from ordermoat.settings import CONFIG_NAME, Settings
from ordermoat.store import Store

__all__ = ["Moat"]

STAT_KEYS = ("actors", "orders", "access_events", "logins", "reports", "alerts", "cases")


class Moat:
    """One workspace: its settings, operational store and event lake."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.workspace.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.db_url)
        self.store.migrate()
        self._engine: Engine | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, workspace: Path) -> Moat:
        """Open ``workspace``, creating it with the embedded defaults if it does not exist."""
        workspace = Path(workspace)
        if workspace.exists() and not workspace.is_dir():
            raise WorkspaceError(f"{workspace}: exists and is not a directory")
        settings = Settings.load(workspace)
        if not settings.config_path.exists():
            settings.save()
        return cls(settings)

    @classmethod
    def init(cls, workspace: Path, *, db_url: str | None = None, engine: str | None = None) -> Moat:
        """Create or reconfigure ``workspace``: the store's URL and the lake's engine."""
        workspace = Path(workspace)
        settings = Settings.load(workspace)
        if engine is not None:
            if engine not in engine_names():
                raise WorkspaceError(f"unknown engine {engine!r}: choose one of {', '.join(engine_names())}")
            settings = replace(settings, engine=engine)
        if db_url is not None:
            settings = replace(settings, db_url=db_url)
        settings.check()
        moat = cls(settings)  # reaches the database (and migrates) before the file is written
        settings.save()
        return moat

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect_engine(self.settings.engine, self.settings.lake_dir)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self.store.close()

    def __enter__(self) -> Moat:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- capabilities --------------------------------------------------------------------

    def ingest(
        self, kind: str, path: Path, *, fmt: str | None = None, strict: bool = False, progress: Progress | None = None
    ) -> IngestResult:
        """Load a contract file (see :func:`ordermoat.ingest.ingest_file`)."""
        return ingest_file(
            self.store,
            self.settings.lake_dir,
            self.settings.rejects_dir,
            kind,
            Path(path),
            fmt=fmt,
            strict=strict,
            batch_rows=self.settings.batch_rows,
            progress=progress,
        )

    def stats(self) -> dict[str, Any]:
        """What the workspace holds (the contract's ``stats --json`` keys)."""
        return {
            "actors": self.store.count("actors"),
            "orders": self.store.count("orders"),
            "access_events": self.engine.count("access"),
            "logins": self.engine.count("logins"),
            "reports": self.store.count("reports"),
            "alerts": self.store.count("alerts"),
            "cases": self.store.count("cases"),
        }

    def trace(self, *, alpha: float | None = None, progress: Progress | None = None) -> TraceResult:
        """Attribute the reported scams to leak sources and store the cases."""
        from ordermoat.trace import run_trace

        return run_trace(self.store, self.engine, alpha=alpha or self.settings.alpha, progress=progress)

    def detect(self, *, full: bool = False, progress: Progress | None = None) -> DetectResult:
        """Run the in-flight detectors over events not judged yet; store the new alerts."""
        from ordermoat.detect import run_detect

        return run_detect(self.store, self.engine, full=full, progress=progress)

    def describe(self) -> dict[str, str]:
        """Where things are, for ``init`` and ``stats`` output (no secrets)."""
        from sqlalchemy.engine import make_url

        return {
            "workspace": str(self.settings.workspace),
            "config": CONFIG_NAME,
            "store": make_url(self.settings.db_url).render_as_string(hide_password=True),
            "engine": self.settings.engine,
        }

"""Typed workspace settings, read when a :class:`~ordermoat.moat.Moat` opens, never at import.

A workspace is a directory holding ``ordermoat.toml`` (the settings), the SQLite file of
the operational store (unless the store is PostgreSQL), the event lake and the rejects
folder. The database URL can also come from ``ORDERMOAT_DB_URL`` so that a password
need not sit in the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ordermoat._exceptions import ConfigError, WorkspaceError

__all__ = ["Settings", "CONFIG_NAME", "DEFAULT_ALPHA"]

CONFIG_NAME = "ordermoat.toml"
DEFAULT_ALPHA = 1e-6
_PLACEHOLDER_SECRETS = {"changeme", "changethis", "password", "secret", "xxx", "placeholder"}


@dataclass(frozen=True, slots=True)
class Settings:
    """What a workspace is configured to use."""

    workspace: Path
    db_url: str
    engine: str = "duckdb"
    alpha: float = DEFAULT_ALPHA
    batch_rows: int = 1_000_000

    @property
    def config_path(self) -> Path:
        return self.workspace / CONFIG_NAME

    @property
    def lake_dir(self) -> Path:
        return self.workspace / "lake"

    @property
    def rejects_dir(self) -> Path:
        return self.workspace / "rejects"

    @classmethod
    def default(cls, workspace: Path) -> Settings:
        return cls(workspace=workspace, db_url=f"sqlite:///{workspace / 'ordermoat.db'}")

    @classmethod
    def load(cls, workspace: Path) -> Settings:
        """Read the workspace's settings (defaults where the file says nothing)."""
        settings = cls.default(workspace)
        path = workspace / CONFIG_NAME
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise WorkspaceError(f"{path}: not valid TOML ({exc})") from None
            known = {"db_url", "engine", "alpha", "batch_rows"}
            unknown = set(data) - known
            if unknown:
                raise WorkspaceError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
            settings = replace(settings, **data)
        env_url = os.environ.get("ORDERMOAT_DB_URL")
        if env_url:
            settings = replace(settings, db_url=env_url)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that cannot work or that carry a placeholder secret."""
        try:
            url = make_url(self.db_url)
        except ArgumentError:
            raise ConfigError("db_url is not a database URL") from None
        if url.password and str(url.password).lower() in _PLACEHOLDER_SECRETS:
            raise ConfigError("db_url carries a placeholder password: set a real one (ORDERMOAT_DB_URL)")
        if not 0 < self.alpha < 1:
            raise ConfigError("alpha must be between 0 and 1")
        if self.batch_rows < 1000:
            raise ConfigError("batch_rows must be at least 1000")

    def save(self) -> None:
        """Write the settings file; a URL given through ORDERMOAT_DB_URL is not written."""
        self.workspace.mkdir(parents=True, exist_ok=True)
        lines = ["# ordermoat workspace settings", f"engine = {_toml_str(self.engine)}", f"alpha = {self.alpha!r}"]
        if os.environ.get("ORDERMOAT_DB_URL") != self.db_url:
            lines.insert(1, f"db_url = {_toml_str(self.db_url)}")
        if self.batch_rows != 1_000_000:
            lines.append(f"batch_rows = {self.batch_rows}")
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

from __future__ import annotations

from pathlib import Path

import pytest

from ordermoat import ConfigError, Moat, WorkspaceError
from ordermoat.settings import Settings


def test_defaults_are_embedded(tmp_path: Path) -> None:
    s = Settings.load(tmp_path)
    assert s.db_url.startswith("sqlite:///") and s.engine == "duckdb" and s.alpha == 1e-6


def test_init_remembers_engine_and_alpha(tmp_path: Path) -> None:
    with Moat.init(tmp_path, engine="spark"):
        pass
    assert Settings.load(tmp_path).engine == "spark"
    (tmp_path / "ordermoat.toml").write_text('engine = "duckdb"\nalpha = 0.001\n', encoding="utf-8")
    assert Settings.load(tmp_path).alpha == 0.001


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("engine = ", WorkspaceError),
        ('colour = "blue"\n', WorkspaceError),
        ("alpha = 2.0\n", ConfigError),
        ('db_url = "postgresql://u:changeme@localhost/db"\n', ConfigError),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, text: str, error: type[Exception]) -> None:
    (tmp_path / "ordermoat.toml").write_text(text, encoding="utf-8")
    with pytest.raises(error):
        Settings.load(tmp_path)


def test_db_url_from_the_environment_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("ORDERMOAT_DB_URL", url)
    s = Settings.load(tmp_path)
    assert s.db_url == url
    s.save()
    assert "db_url" not in (tmp_path / "ordermoat.toml").read_text(encoding="utf-8")

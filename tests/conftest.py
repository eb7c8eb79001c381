"""Shared fixtures. Under CI=true a missing service fails the test instead of skipping it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def missing_service(reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("ORDERMOAT_TEST_PG_URL", DEFAULT_PG)
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001
        missing_service(f"PostgreSQL not reachable ({exc.__class__.__name__})")
    return url


@pytest.fixture()
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh schema-isolated PostgreSQL database for one test."""
    import psycopg

    base = pg_server_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"om_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    prefix, _, _ = base.rpartition("/")
    yield f"{prefix}/{name}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def spark_available() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing_service("PySpark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing_service("no Java runtime for Spark")


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"

"""Fixtures of the formats tests (helpers live in ``formats_testkit``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from formats_testkit import Result, Row, read_all, write


@pytest.fixture
def read_rows(tmp_path: Path) -> Callable[..., Result]:
    """Write rows in a format and read them back: ``read_rows(kind, rows, fmt="csv")``."""

    def run(kind: str, rows: list[Row], fmt: str = "csv", **kw: Any) -> Result:
        return read_all(kind, write(tmp_path, kind, rows, fmt), **kw)

    return run

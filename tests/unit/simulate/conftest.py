from pathlib import Path

import pytest

from ordermoat.simulate import simulate


@pytest.fixture(scope="session")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("mixed")
    return out, simulate(out, seed=7, orders=3000, scenario="mixed", fmt="parquet")

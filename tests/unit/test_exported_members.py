"""The public surface is explicit: every name in ``__all__`` exists, and nothing is missed."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "ordermoat",
    "ordermoat.domain",
    "ordermoat.store",
    "ordermoat.lake",
    "ordermoat.formats",
    "ordermoat.trace",
    "ordermoat.simulate",
    "ordermoat.detect",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for member in module.__all__:
        assert hasattr(module, member), f"{name}.__all__ lists missing {member}"


def test_top_level_exports() -> None:
    import ordermoat

    assert {"Moat", "TraceResult", "UserError", "BadInputError"} <= set(ordermoat.__all__)

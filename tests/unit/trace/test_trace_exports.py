"""Every name a trace module exports exists, and nothing public is left out by accident."""

from __future__ import annotations

import importlib

import pytest

MODULES = ["attribution", "baselines", "campaigns", "conditional", "hits", "tail"]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_exact(name: str) -> None:
    mod = importlib.import_module(f"ordermoat.trace.{name}")
    assert all(hasattr(mod, n) for n in mod.__all__)
    public = {n for n, v in vars(mod).items() if not n.startswith("_")
              and getattr(v, "__module__", None) == mod.__name__}
    assert public <= set(mod.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    import doctest

    mod = importlib.import_module(f"ordermoat.trace.{name}")
    assert doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0

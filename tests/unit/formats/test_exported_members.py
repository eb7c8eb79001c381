from __future__ import annotations

import importlib
import pkgutil

import ordermoat.formats


def test_public_surface() -> None:
    assert set(ordermoat.formats.__all__) >= {"read_batches", "Batch", "detect_format", "schema_for"}
    for name in ordermoat.formats.__all__:
        assert hasattr(ordermoat.formats, name)


def test_every_module_declares_all() -> None:
    for info in pkgutil.iter_modules(ordermoat.formats.__path__):
        module = importlib.import_module(f"ordermoat.formats.{info.name}")
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)

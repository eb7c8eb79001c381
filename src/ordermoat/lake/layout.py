"""Where the lake keeps its files.

``<root>/<kind>/batch=<id>/part-0.parquet`` holds one committed ingest batch. A batch is
written under ``<root>/_staging/<id>/`` and becomes visible with one directory rename, so
readers never see half a batch.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["kind_dir", "staging_dir", "parquet_glob", "has_data"]


def kind_dir(root: Path, kind: str) -> Path:
    return root / kind


def staging_dir(root: Path, batch_id: str) -> Path:
    return root / "_staging" / batch_id


def parquet_glob(root: Path, kind: str) -> str:
    return str(kind_dir(root, kind) / "batch=*" / "*.parquet")


def has_data(root: Path, kind: str) -> bool:
    d = kind_dir(root, kind)
    return d.is_dir() and any(d.glob("batch=*/*.parquet"))

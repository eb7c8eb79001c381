"""Where the lake keeps its files.

``<root>/<kind>/batch=<id>/part-0.parquet`` holds one committed ingest batch. A batch is
written under ``<root>/_staging/<id>/`` and becomes visible with one directory rename, so
readers never see half a batch.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["kind_dir", "staging_dir", "parquet_glob", "has_data", "batch_ids", "batch_files"]


def kind_dir(root: Path, kind: str) -> Path:
    return root / kind


def staging_dir(root: Path, batch_id: str) -> Path:
    return root / "_staging" / batch_id


def parquet_glob(root: Path, kind: str) -> str:
    return str(kind_dir(root, kind) / "batch=*" / "*.parquet")


def has_data(root: Path, kind: str) -> bool:
    d = kind_dir(root, kind)
    return d.is_dir() and any(d.glob("batch=*/*.parquet"))


def batch_ids(root: Path, kind: str) -> list[str]:
    """The committed batches of ``kind``, oldest first (by directory time, then id)."""
    d = kind_dir(root, kind)
    if not d.is_dir():
        return []
    dirs = [p for p in d.glob("batch=*") if p.is_dir()]
    return [p.name.removeprefix("batch=") for p in sorted(dirs, key=lambda p: (p.stat().st_mtime_ns, p.name))]


def batch_files(root: Path, kind: str, batches: list[str]) -> list[str]:
    return [str(f) for b in batches for f in sorted((kind_dir(root, kind) / f"batch={b}").glob("*.parquet"))]

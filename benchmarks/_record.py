"""Shared by the benchmarks: the machine they ran on, and writing their tables into BENCHMARKS.md.

Each benchmark owns one section of ``BENCHMARKS.md`` between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; :func:`record` replaces that section (creating the file or the
section when missing) and leaves the rest of the file alone.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["machine", "machine_line", "today", "markdown_table", "record", "code_version", "snapshot_src", "BENCHMARKS_MD"]

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = REPO / "BENCHMARKS.md"
SRC = REPO / "src" / "ordermoat"
_HEADER = (
    "# Benchmarks\n\n"
    "Figures recorded by the scripts in `benchmarks/` (each owns one section below and\n"
    "rewrites it when re-run). Figures marked *synthetic* come from `ordermoat simulate`,\n"
    "not from real marketplace data.\n"
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _cgroup_cpus() -> float | None:
    """CPU quota of the cgroup (cgroup v2 ``cpu.max``), when one is set."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        return None


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        import duckdb

        duck = duckdb.__version__
    except ImportError:  # pragma: no cover - the venv has it
        duck = "absent"
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "cgroup_cpus": _cgroup_cpus(),
        "ram_gb": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duck,
    }


def machine_line(m: dict[str, Any] | None = None) -> str:
    m = m or machine()
    cores = f"{m['cpu_count']} logical CPUs ({m['cpus_usable']} usable by this process"
    cores += f", cgroup quota {m['cgroup_cpus']:g})" if m["cgroup_cpus"] else ")"
    ram = f"{m['ram_gb']:.1f} GB RAM" if m["ram_gb"] else "RAM unknown"
    return f"{m['cpu']}, {cores}, {ram}; {m['os']}; Python {m['python']}, DuckDB {m['duckdb']}"


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A GitHub markdown table; ``align`` is one letter per column (``l`` or ``r``)."""
    align = align or "l" + "r" * (len(header) - 1)
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def code_version() -> str:
    """The commit, whether ``src/`` differs from it, and a hash of the ``src/ordermoat`` tree."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "src")
    return f"commit {head}" + (" + uncommitted changes in src/" if dirty else "") + f" (src tree {_tree_hash(SRC)})"


def snapshot_src(out: Path) -> tuple[Path, str]:
    """Copy ``src/ordermoat`` to ``out/src-<hash>`` so a long run uses one version of the code.

    Returns the directory to put first on ``sys.path`` / ``PYTHONPATH``, and the hash.
    """
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f"src-{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(SRC, tmp / "ordermoat", ignore=shutil.ignore_patterns("__pycache__"))
    digest = _tree_hash(tmp / "ordermoat")  # of the copy: src/ may change while we copy
    dest = out / f"src-{digest}"
    if dest.exists():
        shutil.rmtree(tmp)
    else:
        tmp.rename(dest)
    return dest, digest


def record(name: str, body: str, path: Path = BENCHMARKS_MD) -> Path:
    """Replace section ``name`` of ``path`` with ``body`` (markdown), creating what is missing."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(machine_line(), today(), sep="\n", file=sys.stdout)

"""How the simulator scales: wall time and peak memory for N orders (not a test).

    cd /work/main && .venv/bin/python benchmarks/simulate_scale.py [--orders 10000000 1000000]

Each size runs ``ordermoat simulate`` (Parquet, scenario ``mixed``) in its own process under
``/usr/bin/time -v`` and records the table in BENCHMARKS.md (section ``simulate``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from _record import machine_line, markdown_table, record, today

OUT = Path(__file__).resolve().parent / "out"


def run(orders: int, seed: int) -> list[str]:
    target = OUT / f"simulate-{orders}"
    shutil.rmtree(target, ignore_errors=True)
    exe = str(Path(sys.executable).with_name("ordermoat"))
    cmd = ["/usr/bin/time", "-v", exe, "simulate", str(target), "--orders", str(orders),
           "--format", "parquet", "--seed", str(seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    assert wall is not None
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))  # type: ignore[union-attr]
    counts = json.loads((target / "truth.json").read_text(encoding="utf-8"))["counts"]
    size = sum(f.stat().st_size for f in target.iterdir()) / 1e9
    shutil.rmtree(target, ignore_errors=True)
    return [f"{orders:,}", f"{counts['access']:,}", f"{counts['logins']:,}", f"{counts['reports']:,}",
            f"{seconds:.0f}", f"{orders / seconds:,.0f}", f"{rss / 1024:,.0f}", f"{size:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for n in args.orders:
        print(f"simulate {n:,} orders ...", flush=True)
        rows.append(run(n, args.seed))
        print("  " + " | ".join(rows[-1]), flush=True)
    header = ["orders", "access rows", "logins", "reports", "seconds", "orders/s", "peak RSS MB", "files GB"]
    table = markdown_table(header, rows)
    print(table)
    body = (
        "## Simulator scale (synthetic)\n\n"
        f"`benchmarks/simulate_scale.py --orders {' '.join(map(str, args.orders))}` — {today()}.\n"
        f"Machine: {machine_line()}.\n\n"
        "`ordermoat simulate --format parquet --scenario mixed`, each size in its own process; "
        "orders are generated and written in chunks of 250k, so memory stays flat as the size grows.\n\n"
        + table
    )
    print(f"recorded in {record('simulate', body)}")


if __name__ == "__main__":
    main()

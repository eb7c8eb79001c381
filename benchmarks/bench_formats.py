"""Rows/s of ``ordermoat.formats.read_batches`` on generated access logs (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_formats.py [ROWS] [--dir DIR]

Writes an access CSV, a Parquet copy (and a JSON Lines one) of ROWS rows (default 2M,
no event_id so every id is derived), then times reading each end to end.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ordermoat.formats import read_batches

OPS = np.array(["view", "list", "search", "print", "export", "decrypt", "api_pull"])
FIELDS = np.array(["", "buyer_name;buyer_phone", "address", "item_title;amount;created_at", ""])


def generate(rows: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-05-01T00:00:00")
    ts = base + rng.integers(0, 30 * 86400, rows).astype("timedelta64[s]")
    ts_text = np.datetime_as_string(ts, unit="s")
    n_ids = np.where(rng.random(rows) < 0.05, 50, rng.integers(1, 4, rows))
    first = rng.integers(0, 5_000_000, rows)
    ids = np.char.add("o", first.astype(str))
    extra = np.where(n_ids > 1, np.char.add(";o", (first + 1).astype(str)), "")
    order_ids = np.char.add(ids, extra)
    return pa.table(
        {
            "ts": ts_text,
            "actor_id": np.char.add("a-", rng.integers(0, 20_000, rows).astype(str)),
            "order_ids": order_ids,
            "operation": OPS[rng.integers(0, len(OPS), rows)],
            "fields": FIELDS[rng.integers(0, len(FIELDS), rows)],
            "ip": np.char.add("10.0.", rng.integers(0, 65_000, rows).astype(str)),
            "device_id": np.char.add("dev-", rng.integers(0, 50_000, rows).astype(str)),
            "app_id": np.char.add("app-", rng.integers(0, 300, rows).astype(str)),
            "url": np.char.add("/trade/detail?id=", first.astype(str)),
        }
    )


def bench(path: Path, fmt: str | None = None) -> tuple[int, float]:
    start = time.perf_counter()
    rows = 0
    for batch in read_batches("access", path, fmt=fmt):
        rows += batch.rows_read
    return rows, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=2_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ordermoat-bench")
    parser.add_argument("--jsonl", action="store_true", help="also time JSON Lines")
    parser.add_argument("--with-ids", action="store_true", help="also time files that carry event_id")
    parser.add_argument("--no-record", action="store_true", help="do not write BENCHMARKS.md")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    csv_path = args.dir / f"access-{args.rows}.csv"
    pq_path = args.dir / f"access-{args.rows}.parquet"
    jsonl_path = args.dir / f"access-{args.rows}.jsonl"
    if not csv_path.exists() or not pq_path.exists() or (args.jsonl and not jsonl_path.exists()):
        table = generate(args.rows)
        pacsv.write_csv(table, csv_path)
        pq.write_table(table, pq_path)
        if args.jsonl:
            table.to_pandas().to_json(jsonl_path, orient="records", lines=True, force_ascii=False)
    cases = [("csv", csv_path), ("parquet", pq_path)] + ([("jsonl", jsonl_path)] if args.jsonl else [])
    if args.with_ids:
        ids_csv = args.dir / f"access-{args.rows}-ids.csv"
        ids_pq = args.dir / f"access-{args.rows}-ids.parquet"
        if not ids_csv.exists() or not ids_pq.exists():
            table = generate(args.rows)
            table = table.add_column(0, "event_id", pa.array([f"e{i}" for i in range(args.rows)]))
            pacsv.write_csv(table, ids_csv)
            pq.write_table(table, ids_pq)
        cases += [("csv+ids", ids_csv), ("pq+ids", ids_pq)]
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.python_version()}")
    print(f"{'format':8} {'rows':>10} {'MB':>7} {'seconds':>8} {'rows/s':>12}")
    table_rows = []
    for name, path in cases:
        rows, secs = bench(path)
        size = path.stat().st_size / 1e6
        print(f"{name:8} {rows:>10} {size:>7.0f} {secs:>8.2f} {rows / secs:>12,.0f}")
        table_rows.append([name, f"{rows:,}", f"{size:.0f}", f"{secs:.2f}", f"{rows / secs:,.0f}"])
    if not args.no_record:
        from _record import machine_line, markdown_table, record, today

        body = (
            "## Reading and validating access files (formats layer only)\n\n"
            f"`benchmarks/bench_formats.py {args.rows}{' --with-ids' if args.with_ids else ''}` — {today()}.\n"
            f"Machine: {machine_line()}.\n\n"
            "Generated access rows (random, not simulated), read and validated by "
            "`formats.read_batches` with nothing written: the part of ingest before the lake. "
            "`+ids` files carry `event_id`; the others make ingest derive it (an MD5 per row).\n\n"
            + markdown_table(["file", "rows", "MB", "seconds", "rows/s"], table_rows, "lrrrr")
        )
        print(f"recorded in {record('formats', body)}")


if __name__ == "__main__":
    main()

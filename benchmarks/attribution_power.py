"""Attribution power against the report rate, ordermoat vs two baselines (not a test).

    cd /work/main && .venv/bin/python benchmarks/attribution_power.py \
        [--seeds 20] [--orders 20000] [--scenario mixed] [--rates 0.2 0.1 0.05 0.03 0.02 0.01] \
        [--none-rate 0.05] [--workers 2]

For every report rate and seed ``1..N`` it simulates a *synthetic* marketplace
(``ordermoat.simulate``, Parquet), ingests it into a fresh workspace and runs
``ordermoat.trace.pipeline.analyse`` at ``alpha = 1e-6``. On the same hit matrix
(``analysis.actor_hits``) it then applies:

* **ordermoat**: the default decision (the mixture null), as ``trace`` reports it;
* **conditional, all candidates**: ``run_attribution(mode="all")``, the ablation that
  conditions each candidate on every other one (the variant the proof covers directly);
* **strict intersection**: whoever read every reported order;
* **PGM guilt**: Papadimitriou & Garcia-Molina (IEEE TKDE 2011),
  ``Pr{G_i|S} = 1 - prod_{t in S & R_i} (1 - (1-p)/|V_t|)`` with ``p = 0.5``, accused at
  ``>= 0.9``; ``|V_t|`` is the number of distinct accounts that hit report ``t``.

Per method and rate: the share of runs that are *exact* (every leaker accused, no innocent),
the share with *any* innocent accused (the empirical false-accusation rate) and the mean
share of leakers found. Scenario ``none`` (no leak at all) is run for the same seeds at one
rate. Per leaker it also sets the reports a strict intersection needs,
``K = ceil(ln(n / 1e-6) / ln(1 / q))`` (``baselines.reports_needed``), against the reports
the leaker actually caused. Raw per-run results go to ``benchmarks/out/attribution_power.jsonl``;
the tables to stdout and to the ``attribution_power`` section of ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import time
import traceback
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import code_version, machine_line, markdown_table, record, snapshot_src, today  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ALPHA = 1e-6
KINDS = ("actors", "orders", "access", "logins", "reports")
METHODS = ("ordermoat", "all_candidates", "strict", "pgm")
METHOD_LABEL = {
    "ordermoat": "ordermoat (`trace` default decision)",
    "all_candidates": "conditional on all candidates (`mode=\"all\"`)",
    "strict": "strict intersection",
    "pgm": "PGM guilt model (p=0.5, ≥0.9)",
}
LEAK_KINDS = ("insider_bulk", "isv_compromise", "courier", "quiet_warehouse")


def _use_snapshot(path: str) -> None:
    sys.path.insert(0, path)


def run_one(task: dict[str, Any]) -> dict[str, Any]:
    """Simulate, ingest, analyse and apply every method; one run's raw result."""
    import numpy as np
    import pyarrow as pa

    import ordermoat
    from ordermoat.simulate import simulate
    from ordermoat.trace import baselines, queries
    from ordermoat.trace.attribution import run_attribution
    from ordermoat.trace import pipeline
    from ordermoat.trace.pipeline import analyse

    overlap_of = getattr(pipeline, "overlap_fn", None) or getattr(pipeline, "_overlap_of")

    scenario, rate, seed, orders = task["scenario"], task["rate"], task["seed"], task["orders"]
    work = OUT / "power-tmp" / f"{scenario}-{rate:g}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        truth = simulate(work / "sim", seed=seed, orders=orders, scenario=scenario, fmt="parquet", report_rate=rate)
        t_sim = time.perf_counter() - t0
        with ordermoat.Moat.open(work / "ws") as moat:
            for kind in KINDS:
                moat.ingest(kind, work / "sim" / f"{kind}.parquet")
            t_ing = time.perf_counter() - t0 - t_sim
            analysis = analyse(moat.store, moat.engine, alpha=ALPHA)
            t_an = time.perf_counter() - t0 - t_sim - t_ing
            hits = analysis.actor_hits
            inputs = analysis.inputs
            accused: dict[str, list[str]] = {m: [] for m in METHODS}
            accused["ordermoat"] = sorted({s.actor_id for s in analysis.result.accused if s.actor_id})
            party_accused = sorted(
                {p.party_id for c in analysis.result.cases for p in c.party_suspects if p.accused and p.party_id}
            )
            n_actors = max(len(inputs.party_of), 1)
            leaker_q: dict[str, float] = {}
            leaker_hits: dict[str, int] = {}
            if hits is not None:
                ids = [str(s) for s in hits.subject_ids]
                accused["strict"] = sorted(ids[i] for i in baselines.strict_intersection(hits))
                hr = analysis.levels.hit_rows
                pairs = {(a, r) for a, r in zip(hr["actor_id"].to_pylist(), hr["r"].to_pylist(), strict=True)}
                r_idx = np.fromiter((r for _, r in pairs), dtype=np.int64, count=len(pairs))
                readers = np.maximum(np.bincount(r_idx, minlength=hits.n_reports), 1)
                accused["pgm"] = sorted(ids[i] for i in baselines.pgm_accused(hits, readers, p=0.5, threshold=0.9))
                att = run_attribution(
                    hits,
                    overlap_of(moat.engine, inputs.party_of, "actor"),
                    n_tests=analysis.levels.n_tests,
                    alpha=ALPHA,
                    mode="all",
                )
                accused["all_candidates"] = sorted(s.subject_id for s in att.accused)
                pos = {s: i for i, s in enumerate(ids)}
                for lk in truth["leakers"]:
                    a = lk["actor_id"]
                    if a in pos:
                        leaker_q[a] = float(hits.read_size[pos[a]]) / hits.n_orders
                        leaker_hits[a] = int(hits.hits[pos[a]])
            n_orders = hits.n_orders if hits is not None else max(inputs.n_orders, 1)
            missing = [lk["actor_id"] for lk in truth["leakers"] if lk["actor_id"] not in leaker_q]
            if missing:  # a leaker that hit no report: its read share from the engine
                mt = pa.table({"actor_id": missing, "subject": missing})
                sizes = queries.read_sizes(moat.engine, mt)
                for s, n in zip(sizes["subject"].to_pylist(), sizes["n"].to_pylist(), strict=True):
                    leaker_q[s] = n / n_orders
                    leaker_hits[s] = 0
        leakers = []
        for lk in truth["leakers"]:
            q = leaker_q.get(lk["actor_id"], 0.0)
            k = int(baselines.reports_needed(n_actors, q, eps=ALPHA)) if q > 0 else None
            leakers.append(
                {
                    "actor_id": lk["actor_id"],
                    "party_id": lk["party_id"],
                    "kind": lk["kind"],
                    "reports": lk["reports"],
                    "leaked_orders": lk["leaked_orders"],
                    "q": q,
                    "K": k,
                    "hits": leaker_hits.get(lk["actor_id"], 0),
                    "accused": {m: lk["actor_id"] in accused[m] for m in METHODS},
                }
            )
        return {
            **task,
            "ok": True,
            "code": str(Path(ordermoat.__file__).parent.parent.name),
            "n_actors": n_actors,
            "n_orders": n_orders,
            "n_reports": int(len(inputs.reports)),
            "n_noise_reports": len(truth["noise_report_ids"]),
            "n_tests": analysis.levels.n_tests,
            "accused": accused,
            "party_accused": party_accused,
            "leakers": leakers,
            "seconds": {"simulate": t_sim, "ingest": t_ing, "analyse": t_an, "total": time.perf_counter() - t0},
        }
    except Exception:  # noqa: BLE001 - reported, the run goes on
        return {**task, "ok": False, "error": traceback.format_exc()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- aggregation ----------------------------------------------------------------------------


def judge(run: dict[str, Any], method: str) -> tuple[bool, bool, float | None, int]:
    """(exact, any innocent accused, share of leakers found, innocents accused)."""
    truth = {lk["actor_id"] for lk in run["leakers"]}
    acc = set(run["accused"][method])
    innocents = len(acc - truth)
    found = len(acc & truth) / len(truth) if truth else None
    return acc == truth, innocents > 0, found, innocents


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def power_table(runs: list[dict[str, Any]], scenario: str, rates: list[float]) -> str:
    rows = []
    for rate in rates:
        rs = [r for r in runs if r["scenario"] == scenario and r["rate"] == rate]
        if not rs:
            continue
        reports = statistics.median(r["n_reports"] for r in rs)
        for m in METHODS:
            j = [judge(r, m) for r in rs]
            found = [f for _, _, f, _ in j if f is not None]
            rows.append(
                [
                    f"{rate:.0%}" if m == METHODS[0] else "",
                    f"{len(rs)}" if m == METHODS[0] else "",
                    f"{reports:.0f}" if m == METHODS[0] else "",
                    METHOD_LABEL[m],
                    pct(sum(e for e, _, _, _ in j) / len(j)),
                    pct(sum(a for _, a, _, _ in j) / len(j)),
                    pct(statistics.fmean(found)) if found else "—",
                    f"{statistics.fmean(n for *_, n in j):.2f}",
                ]
            )
    return markdown_table(
        ["report rate", "runs", "median reports", "method", "exact runs", "runs with any innocent accused", "mean share of leakers found", "mean innocents accused"],
        rows,
        "rrrlrrrr",
    )


def none_table(runs: list[dict[str, Any]]) -> str:
    rows = []
    rs = [r for r in runs if r["scenario"] == "none"]
    if not rs:
        return ""
    for m in METHODS:
        j = [judge(r, m) for r in rs]
        rows.append([METHOD_LABEL[m], len(rs), pct(sum(a for _, a, _, _ in j) / len(j)), f"{statistics.fmean(n for *_, n in j):.2f}"])
    parties = sum(bool(r["party_accused"]) for r in rs)
    rows.append(["ordermoat, party level (`trace` party cases)", len(rs), pct(parties / len(rs)), f"{statistics.fmean(len(r['party_accused']) for r in rs):.2f}"])
    return markdown_table(["method", "runs", "runs with any accusation (all false)", "mean accused"], rows, "lrrr")


def needed_table(runs: list[dict[str, Any]], scenario: str, rates: list[float]) -> str:
    by: dict[tuple[str, float], list[dict[str, Any]]] = defaultdict(list)
    for r in runs:
        if r["scenario"] != scenario:
            continue
        for lk in r["leakers"]:
            by[(lk["kind"], r["rate"])].append({**lk, "n_actors": r["n_actors"]})
    rows = []
    for kind in LEAK_KINDS:
        for rate in rates:
            ls = by.get((kind, rate))
            if not ls:
                continue
            ks = [lk["K"] for lk in ls if lk["K"] is not None and lk["K"] >= 0]
            rows.append(
                [
                    kind,
                    f"{rate:.0%}",
                    len(ls),
                    f"{statistics.median(lk['n_actors'] for lk in ls):,.0f}",
                    f"{statistics.median(lk['q'] for lk in ls):.3f}",
                    f"{statistics.median(ks):.0f}" if ks else "∞",
                    f"{statistics.median(lk['reports'] for lk in ls):.0f}",
                    f"{statistics.median(lk['hits'] for lk in ls):.0f}",
                    pct(sum(lk["K"] is not None and 0 <= lk["K"] <= lk["reports"] for lk in ls) / len(ls)),
                    *(pct(sum(lk["accused"][m] for lk in ls) / len(ls)) for m in METHODS),
                ]
            )
    return markdown_table(
        ["leaker kind", "report rate", "leakers", "n actors", "median q", "median K", "median reports caused", "median reports hit",
         "reports ≥ K", "accused: ordermoat", "all candidates", "strict", "PGM"],
        rows,
        "lrrrrrrrrrrrr",
    )


def tables(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    parts = [f"#### Scenario `{args.scenario}` (synthetic)\n", power_table(runs, args.scenario, args.rates)]
    nt = none_table(runs)
    if nt:
        parts += [f"\n#### Scenario `none`: no leaker at all (synthetic, report rate {args.none_rate:.0%}, noise reports only)\n", nt]
    parts += [
        f"\n#### Reports needed vs reports available, per leaker (scenario `{args.scenario}`, synthetic)\n",
        "`K = ceil(ln(n / 1e-6) / ln(1 / q))`: reports a strict intersection needs before none of `n` "
        "innocents with the leaker's read share `q` survives it by chance (`baselines.reports_needed`). "
        "\"reports caused\" is from the simulator's truth; \"reports hit\" is how many of all the run's reports "
        "the leaker's reads cover (a leak report is hit unless the reads miss a recited field).\n",
        needed_table(runs, args.scenario, args.rates),
    ]
    return "\n".join(parts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=20, help="seeds 1..N per rate")
    p.add_argument("--orders", type=int, default=20_000)
    p.add_argument("--scenario", default="mixed")
    p.add_argument("--rates", type=float, nargs="+", default=[0.20, 0.10, 0.05, 0.03, 0.02, 0.01])
    p.add_argument("--none-rate", type=float, default=0.05, help="report rate of the scenario-none runs (0 skips them)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--resume", action="store_true", help="keep runs already in the JSONL with the same settings")
    p.add_argument("--no-record", action="store_true")
    args = p.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    raw = OUT / "attribution_power.jsonl"
    tasks = [{"scenario": args.scenario, "rate": r, "seed": s, "orders": args.orders} for r in args.rates for s in range(1, args.seeds + 1)]
    if args.none_rate > 0:
        tasks += [{"scenario": "none", "rate": args.none_rate, "seed": s, "orders": args.orders} for s in range(1, args.seeds + 1)]
    key = lambda t: (t["scenario"], t["rate"], t["seed"], t["orders"])  # noqa: E731
    runs: list[dict[str, Any]] = []
    if args.resume and raw.exists():
        wanted = {key(t) for t in tasks}
        runs = [r for r in map(json.loads, raw.read_text().splitlines()) if r.get("ok") and key(r) in wanted]
        done = {key(r) for r in runs}
        tasks = [t for t in tasks if key(t) not in done]
        print(f"resuming: {len(runs)} runs kept, {len(tasks)} to go")
    else:
        raw.write_text("")
    snap, digest = snapshot_src(OUT)
    version = code_version().split(" (src tree")[0] + f" (src tree {digest}, snapshot benchmarks/out/{snap.name})"
    print(f"code: {version}", flush=True)
    started = time.perf_counter()
    failures = 0
    total = len(tasks)
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_use_snapshot, initargs=(str(snap),)) as pool, raw.open("a") as sink:
        futures = [pool.submit(run_one, t) for t in tasks]
        for i, fut in enumerate(as_completed(futures), 1):
            r = fut.result()
            sink.write(json.dumps(r) + "\n")
            sink.flush()
            el = time.perf_counter() - started
            if not r["ok"]:
                failures += 1
                print(f"[{i}/{total}] FAILED {key(r)}\n{r['error']}", flush=True)
                continue
            runs.append(r)
            truth = sorted(lk["actor_id"] for lk in r["leakers"])
            print(
                f"[{i}/{total}] {r['scenario']} rate={r['rate']:g} seed={r['seed']}: {r['n_reports']} reports, "
                f"leakers {truth}, ordermoat {r['accused']['ordermoat']}, all {r['accused']['all_candidates']}, "
                f"strict {len(r['accused']['strict'])}, pgm {len(r['accused']['pgm'])} "
                f"({r['seconds']['total']:.1f} s; elapsed {el / 60:.1f} min, eta {(total - i) * el / i / 60:.1f} min)",
                flush=True,
            )
    wall = time.perf_counter() - started
    body_tables = tables(runs, args)
    print()
    print(body_tables)
    per_run = statistics.fmean(r["seconds"]["total"] for r in runs) if runs else math.nan
    fa = [r for r in runs if judge(r, "ordermoat")[1]]
    body = f"""## Attribution power (synthetic)

`benchmarks/attribution_power.py --seeds {args.seeds} --orders {args.orders} --scenario {args.scenario} --rates {' '.join(f'{r:g}' for r in args.rates)} --none-rate {args.none_rate:g}` — {today()}.
Machine: {machine_line()}; {args.workers} worker processes. Code: {version}.

Every run: `ordermoat.simulate` (seed 1..{args.seeds}, {args.orders:,} orders, Parquet) → fresh workspace →
ingest → `trace.pipeline.analyse(alpha={ALPHA:g})`; the baselines run on the same hit matrix. "Exact" = every
leaker accused and no innocent; "innocent" = any accused account that is not a leaker in the simulator's truth.
Noise reports (12–28% of a run's reports, from orders nobody leaked) are part of every run. The bound promises
P(any false accusation in a run) ≤ {ALPHA:g} for ordermoat; the baselines have none.
{len(runs)} runs{f', {failures} failed' if failures else ''}, {wall / 60:.1f} min wall ({per_run:.1f} s per run per worker on average);
ordermoat accused an innocent account in {len(fa)} of {len(runs)} runs.

{body_tables}
"""
    if not args.no_record:
        print(f"\nrecorded in {record('attribution_power', body)}")
    if fa:
        print("\nruns where ordermoat accused an innocent:")
        for r in fa:
            print(f"  {key(r)}: accused {r['accused']['ordermoat']}, leakers {[lk['actor_id'] for lk in r['leakers']]}")


if __name__ == "__main__":
    main()

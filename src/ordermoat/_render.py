"""How the CLI shows things to a person: Rich tables, progress bars. No logic lives here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ordermoat.domain import IngestResult, TraceResult

__all__ = ["progress", "describe", "ingest_result", "stats", "trace_result", "detect_result", "simulate_result", "demo_result"]

ProgressFn = Callable[[str, int, int | None], None]


@contextmanager
def progress(console: Console, label: str) -> Iterator[ProgressFn]:
    """A progress bar on stderr; yields ``update(stage, done, total)``."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(f"{label}: {stage}" if stage != label else label, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


def describe(out: Console, info: dict[str, str]) -> None:
    for key, value in info.items():
        out.print(f"[bold]{key}[/bold]: {escape(value)}")


def ingest_result(out: Console, err: Console, r: IngestResult) -> None:
    if r.already_ingested:
        out.print(f"{escape(r.file)}: already ingested as {r.kind}; nothing added")
        return
    out.print(
        f"{r.kind}: {r.rows_loaded:,} loaded, {r.duplicates:,} already present, "
        f"{r.rows_rejected:,} rejected of {r.rows_read:,} rows"
    )
    for row in r.rejected_sample[:10]:
        err.print(f"  line {row.line}: {escape(row.reason)}")
    if r.rows_rejected > 10:
        err.print(f"  ... and {r.rows_rejected - 10:,} more")
    if r.rejects_file:
        err.print(f"rejected rows set aside in {escape(r.rejects_file)}")


def stats(out: Console, data: dict[str, Any], info: dict[str, str]) -> None:
    table = Table(title=f"workspace {escape(info['workspace'])} ({info['engine']})")
    table.add_column("holds")
    table.add_column("count", justify="right")
    for key, value in data.items():
        table.add_row(key, f"{value:,}")
    out.print(table)


def trace_result(out: Console, result: TraceResult) -> None:
    out.print(
        f"[bold]false-accusation bound[/bold]: P(any false accusation) ≤ {result.alpha:g} "
        f"over {result.tests:,} tests (per-test threshold {result.threshold:.2e})"
    )
    if not result.cases:
        out.print("no cases: no reported scam could be linked to a source")
    for case in result.cases:
        source = case.suspects[0] if case.suspects and case.suspects[0].accused else None
        party = case.party_suspects[0] if case.party_suspects and case.party_suspects[0].accused else None
        if source is not None:
            head = f"ACCUSED {escape(str(source.actor_id))} ({escape(str(source.party_id))})"
        elif party is not None:
            head = f"ACCUSED party {escape(str(party.party_id))} (no single account clears the bound)"
        else:
            head = "no accusation"
        accused = [s for s in (source, party) if s is not None]
        out.print(f"\n[bold]{case.case_id}[/bold] — {len(case.report_ids)} report(s), {head}; "
                  f"{case.exposed_orders:,} other exposed order(s)")
        table = Table(show_edge=False)
        for col in ("actor", "party", "accused", "hits", "expected", "p-value"):
            table.add_column(col, justify="right" if col in ("hits", "expected", "p-value") else "left")
        for s in case.suspects[:8]:
            table.add_row(
                escape(str(s.actor_id)), escape(str(s.party_id)), "[red]yes[/red]" if s.accused else "no",
                str(s.hits), f"{s.expected:.2f}", f"{s.p_value:.2e}",
            )
        out.print(table)
        for s in accused:
            for line in s.evidence:
                out.print(f"  • {escape(line)}")
    if result.unexplained_report_ids:
        ids = ", ".join(result.unexplained_report_ids[:10])
        more = f" (+{len(result.unexplained_report_ids) - 10} more)" if len(result.unexplained_report_ids) > 10 else ""
        out.print(f"\nunexplained reports ({len(result.unexplained_report_ids)}): {escape(ids)}{more}")


def detect_result(out: Console, result: Any) -> None:
    events = ", ".join(f"{n:,} {k} events" for k, n in result.events.items()) or "no new events"
    out.print(f"judged {events}; {len(result.alerts)} new alert(s)")
    if result.alerts:
        table = Table(show_edge=False)
        for col in ("kind", "subject", "score", "window (UTC)", "reason"):
            table.add_column(col, justify="right" if col == "score" else "left")
        for a in result.alerts[:40]:
            table.add_row(a["kind"], f"{a['subject_type']} {escape(a['subject_id'])}", f"{a['score']:.2f}",
                          f"{a['window_start']:%m-%d %H:%M}–{a['window_end']:%H:%M}", escape(a["reason"]))
        out.print(table)
        if len(result.alerts) > 40:
            out.print(f"... and {len(result.alerts) - 40} more (--json for all)")
    risky = [s for s in result.sessions if s.step_up]
    if risky:
        out.print(f"\n[bold]{len(risky)} session(s) at or above the step-up threshold[/bold]")
        for s in risky[:10]:
            out.print(f"  {s.subject_type} {escape(s.subject_id)} {s.window_start:%m-%d %H:00} risk {s.risk:.2f}")


def simulate_result(out: Console, out_dir: Path, truth: dict[str, Any]) -> None:
    out.print(f"wrote a marketplace of {truth.get('orders', 0):,} orders to {escape(str(out_dir))} "
              f"(scenario {truth.get('scenario')}, seed {truth.get('seed')})")
    for leak in truth.get("leakers", []):
        out.print(f"  leaker {escape(str(leak['actor_id']))} ({leak.get('role')}, {leak.get('kind')}): "
                  f"{leak.get('leaked_orders', 0):,} orders leaked")


def demo_result(out: Console, result: Any) -> None:
    s = result.stats
    out.print(
        f"[bold]ordermoat demo[/bold]: {s['orders']:,} orders, {s['access_events']:,} access events, "
        f"{s['reports']:,} scam reports ({', '.join(f'{k} {v:.1f}s' for k, v in result.timings.items())})"
    )
    trace_result(out, result.trace)
    out.print("\n[bold]verdict against the simulator's truth[/bold]")
    for leaker in sorted(result.leakers):
        mark = "[green]accused[/green]" if leaker in result.accused else "[red]missed[/red]"
        out.print(f"  leaker {escape(leaker)}: {mark}")
    for wrong in sorted(result.accused - result.leakers):
        out.print(f"  [red]innocent accused: {escape(wrong)}[/red]")
    if not result.leakers:
        out.print("  (no leaker in this scenario)")
    out.print("[green]exactly the simulator's leakers were accused[/green]" if result.exact
              else "[red]the verdict differs from the truth[/red]")

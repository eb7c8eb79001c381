"""The ``ordermoat`` command line: translates arguments and output, nothing more."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ordermoat import _render
from ordermoat._exceptions import UserError
from ordermoat.moat import Moat

__all__ = ["app", "main"]

# Typer carries its own copy of Click; its usage errors share this base class.
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="ordermoat: guard, detect and trace leaks of e-commerce order data.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True)

Workspace = Annotated[
    Path,
    typer.Option("--workspace", "-w", envvar="ORDERMOAT_WORKSPACE", help="Workspace directory.", show_default=True),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON as in the contract.")]


@app.callback()
def _root(ctx: typer.Context, workspace: Workspace = Path(".ordermoat")) -> None:
    ctx.obj = {"workspace": workspace}


def _open(ctx: typer.Context) -> Moat:
    return Moat.open(ctx.obj["workspace"])


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None) + "\n")


@app.command()
def init(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="PostgreSQL URL for the operational store.")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="Analytics engine: duckdb or spark.")] = None,
) -> None:
    """Create or configure a workspace."""
    with Moat.init(ctx.obj["workspace"], db_url=db, engine=engine) as moat:
        _render.describe(out, moat.describe())


@app.command()
def ingest(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="actors, orders, access, logins or reports")],
    file: Annotated[Path, typer.Argument(help="CSV, JSON Lines or Parquet file (.gz accepted)")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, jsonl, parquet or datamoat")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Load nothing if any row is bad.")] = False,
) -> None:
    """Load a contract file; bad rows are reported and set aside."""
    with _open(ctx) as moat, _render.progress(err, f"ingest {kind}") as bar:
        result = moat.ingest(kind, file, fmt=fmt, strict=strict, progress=bar)
    _render.ingest_result(out, err, result)


@app.command()
def stats(ctx: typer.Context, as_json: AsJson = False) -> None:
    """What the workspace holds."""
    with _open(ctx) as moat:
        data = moat.stats()
        if as_json:
            _print_json(data)
        else:
            _render.stats(out, data, moat.describe())


@app.command()
def trace(
    ctx: typer.Context,
    as_json: AsJson = False,
    alpha: Annotated[
        float | None, typer.Option("--alpha", help="Bound on the chance of any false accusation in this run.")
    ] = None,
) -> None:
    """Attribute reported scams to leak sources and print the cases."""
    with _open(ctx) as moat, _render.progress(err, "trace") as bar:
        result = moat.trace(alpha=alpha, progress=bar)
    if as_json:
        _print_json(result.to_dict())
    else:
        _render.trace_result(out, result)


@app.command()
def detect(
    ctx: typer.Context,
    as_json: AsJson = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show every stored alert, not only this run's.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Judge every event again, not only new ones.")] = False,
    ecs: Annotated[Path | None, typer.Option("--ecs", help="Append the alerts to FILE as ECS JSON lines.")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST the alerts as JSON to this URL.")] = None,
) -> None:
    """Run the in-flight detectors over what was ingested; print alerts."""
    from ordermoat.detect import EcsFileSink, WebhookSink, stored_alerts

    sinks = [s for s in (EcsFileSink(ecs) if ecs else None, WebhookSink(webhook) if webhook else None) if s]
    with _open(ctx) as moat, _render.progress(err, "detect") as bar:
        result = moat.detect(full=full, progress=bar)
        if show_all:
            result.alerts = stored_alerts(moat.store)
    if as_json:
        _print_json(result.to_dict())
    else:
        _render.detect_result(out, result)
    for sink in sinks:
        sink.send(result.alerts)


@app.command()
def simulate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the marketplace into.")],
    seed: Annotated[int, typer.Option("--seed")] = 0,
    orders: Annotated[int, typer.Option("--orders", min=100)] = 20_000,
    scenario: Annotated[str, typer.Option("--scenario", help="insider_bulk, isv_compromise, courier, quiet_warehouse, mixed, none")] = "mixed",
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet")] = "csv",
    report_rate: Annotated[float | None, typer.Option("--report-rate", help="Share of leaked orders that get reported.")] = None,
) -> None:
    """Write a synthetic marketplace in the contract's formats, with truth.json."""
    from ordermoat.simulate import SCENARIOS
    from ordermoat.simulate import simulate as run

    if scenario not in SCENARIOS:
        raise UserError(f"unknown scenario {scenario!r}: use one of {', '.join(SCENARIOS)}")
    if fmt not in ("csv", "jsonl", "parquet"):
        raise UserError(f"unknown format {fmt!r}: use csv, jsonl or parquet")
    if report_rate is not None and not 0 < report_rate <= 1:
        raise UserError("--report-rate must be in (0, 1]")
    with _render.progress(err, "simulate") as bar:
        truth = run(out_dir, seed=seed, orders=orders, scenario=scenario, fmt=fmt, report_rate=report_rate, progress=bar)
    _render.simulate_result(out, out_dir, truth)


@app.command()
def demo(
    keep: Annotated[Path | None, typer.Option("--keep", help="Keep the demo's data and workspace in this directory.")] = None,
    orders: Annotated[int, typer.Option("--orders", min=1000)] = 40_000,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Simulate a marketplace with a mixed leak, ingest, trace, and show the verdict."""
    from ordermoat.demo import DEMO_SEED, run_demo

    with tempfile.TemporaryDirectory(prefix="ordermoat-demo-") as tmp:
        target = keep or Path(tmp)
        with _render.progress(err, "demo") as bar:
            result = run_demo(target, orders=orders, seed=DEMO_SEED if seed is None else seed, progress=bar)
        _render.demo_result(out, result)
        if keep is None:
            out.print("[dim](demo data removed; use --keep DIR to keep it)[/dim]")


def main() -> None:
    """Entry point: exit 0 done, 2 bad input or usage, 1 internal error."""
    command = typer.main.get_command(app)
    try:
        command.main(prog_name="ordermoat", standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        err.print("aborted")
        raise SystemExit(130) from None
    except _CLICK_ERROR as exc:
        sys.stderr.write(f"error: {exc.format_message()}\n")
        raise SystemExit(2) from None
    except UserError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("ORDERMOAT_DEBUG"):
            raise
        # The message itself may quote data; only its class is shown unless debugging.
        sys.stderr.write(f"internal error ({exc.__class__.__name__}); set ORDERMOAT_DEBUG=1 for a traceback\n")
        raise SystemExit(1) from None

"""The command line as the contract pins it: commands, JSON keys, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import simulated


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ordermoat", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_end_to_end_trace_json_follows_the_contract(tmp_path: Path) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "insider_bulk", 2, 4000)
    for kind in ("actors", "orders", "access", "logins", "reports"):
        proc = run("ingest", kind, str(Path(data) / f"{kind}.csv"), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    proc = run("stats", "--json", cwd=tmp_path)
    stats = json.loads(proc.stdout)
    assert set(stats) == {"actors", "orders", "access_events", "logins", "reports", "alerts", "cases"}
    assert stats["orders"] == 4000 and stats["access_events"] > 0

    proc = run("trace", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"cases", "unexplained_report_ids"}
    seen = [rid for c in out["cases"] for rid in c["report_ids"]] + out["unexplained_report_ids"]
    assert len(seen) == len(set(seen)) == stats["reports"]  # every report exactly once
    for case in out["cases"]:
        assert set(case) >= {"case_id", "report_ids", "suspects", "exposed_orders"}
        for s in case["suspects"]:
            assert set(s) >= {"actor_id", "party_id", "accused", "hits", "expected", "p_value", "evidence"}
    assert set(out["report_candidates"]) == set(seen)
    for case in out["cases"]:  # the accused source read every report of its case
        assert all(case["suspects"][0]["actor_id"] in out["report_candidates"][r] for r in case["report_ids"])
    accused = {s["actor_id"] for c in out["cases"] for s in c["suspects"] if s["accused"]}
    assert accused == {leak["actor_id"] for leak in truth["leakers"]}
    assert json.loads(run("stats", "--json", cwd=tmp_path).stdout)["cases"] == len(out["cases"])


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    data, _ = simulated(str(tmp_path / "sim"), "none", 1, 2000)
    run("ingest", "access", str(Path(data) / "access.csv"), cwd=tmp_path)
    first = json.loads(run("stats", "--json", cwd=tmp_path).stdout)["access_events"]
    proc = run("ingest", "access", str(Path(data) / "access.csv"), cwd=tmp_path)
    assert proc.returncode == 0 and "already ingested" in proc.stdout
    assert json.loads(run("stats", "--json", cwd=tmp_path).stdout)["access_events"] == first > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "orders", "missing.csv"), "no such file"),
        (("ingest", "widgets", "x.csv"), "unknown kind"),
        (("init", "--engine", "oracle"), "unknown engine"),
        (("simulate", "out", "--scenario", "nope"), "unknown scenario"),
        (("frobnicate",), "No such command"),
        (("serve",), "No such command"),  # arrives with its own issue, never as a stub
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_rows_are_reported_and_the_rest_loaded(tmp_path: Path) -> None:
    f = tmp_path / "actors.csv"
    f.write_text(
        "actor_id,party_id,party_kind,role\n"
        "a1,shop-1,merchant,cs_agent\n"
        "a2,shop-1,pirate,cs_agent\n"
        "a3,isv-1,isv,app\n",
        encoding="utf-8",
    )
    proc = run("ingest", "actors", str(f), cwd=tmp_path)
    assert proc.returncode == 0
    assert "line 3" in proc.stderr and "party_kind" in proc.stderr
    assert json.loads(run("stats", "--json", cwd=tmp_path).stdout)["actors"] == 2
    rejects = list((tmp_path / ".ordermoat" / "rejects").glob("actors-*.csv"))
    assert len(rejects) == 1 and "a2" in rejects[0].read_text(encoding="utf-8")

    strict = run("--workspace", str(tmp_path / "ws2"), "ingest", "actors", str(f), "--strict", cwd=tmp_path)
    assert strict.returncode == 2 and "nothing loaded" in strict.stderr
    stats = json.loads(run("--workspace", str(tmp_path / "ws2"), "stats", "--json", cwd=tmp_path).stdout)
    assert stats["actors"] == 0


def test_detect_json_follows_the_contract_and_flags_the_insider(tmp_path: Path) -> None:
    data, truth = simulated(str(tmp_path / "sim"), "insider_bulk", 4, 20_000)
    for kind in ("actors", "access", "logins"):
        assert run("ingest", kind, str(Path(data) / f"{kind}.csv"), cwd=tmp_path).returncode == 0
    ecs = tmp_path / "siem.jsonl"
    proc = run("detect", "--json", "--ecs", str(ecs), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    keys = {"alert_id", "kind", "subject_type", "subject_id", "score", "window_start", "window_end", "reason"}
    assert out["alerts"] and all(set(a) >= keys for a in out["alerts"])
    assert {a["subject_type"] for a in out["alerts"]} <= {"actor", "account", "ip"}
    insider = truth["leakers"][0]["actor_id"]
    read_alerts = {a["subject_id"] for a in out["alerts"] if a["subject_type"] == "actor"}
    assert insider in read_alerts
    assert not read_alerts & set(truth["heavy_readers"])
    assert set(truth["credential_stuffing_ips"]) <= {a["subject_id"] for a in out["alerts"] if a["kind"] == "credential_stuffing"}
    assert len(ecs.read_text(encoding="utf-8").splitlines()) == len(out["alerts"])
    again = json.loads(run("detect", "--json", cwd=tmp_path).stdout)
    assert again["alerts"] == []  # nothing new since the last run
    stats = json.loads(run("stats", "--json", cwd=tmp_path).stdout)
    assert stats["alerts"] == len(out["alerts"])

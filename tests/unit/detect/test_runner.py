"""detect's runner: watermark per lake batch, alert ids, sinks, risk sessions."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import ibis
import pytest

from ordermoat import Moat, UserError
from ordermoat.detect import Context, Detector, EcsFileSink, MemorySink, WebhookSink, run_detect, sessions

HEADER = "ts,actor_id,order_ids,operation,fields,event_id\n"


class ManyReads(Detector):
    """Test double: an actor with at least 3 reads in the new events."""

    name: ClassVar[str] = "many_reads"
    source: ClassVar[str] = "access"
    seen: ClassVar[list[int]] = []

    def detect(self, new: Any, history: Any, ctx: Context) -> Any:
        g = new.group_by(new.actor_id).aggregate(n=new.count(), lo=new.ts.min(), hi=new.ts.max())
        g = g.filter(g.n >= 3)
        return g.select(
            kind=ibis.literal("many_reads"),
            subject_type=ibis.literal("actor"),
            subject_id=g.actor_id,
            score=(g.n / 10.0).clip(upper=1.0),
            window_start=g.lo,
            window_end=g.hi,
            reason=ibis.literal("reads: ") + g.n.cast("string"),
        )


def _access(path: Path, actor: str, n: int, start: int = 0) -> Path:
    rows = [f"2024-05-01 10:{i:02d}:00,{actor},o{i},view,,{actor}-e{start + i}" for i in range(start, start + n)]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_only_new_batches_are_judged_and_alerts_are_stored_once(tmp_path: Path) -> None:
    with Moat.open(tmp_path / "ws") as moat:
        moat.ingest("access", _access(tmp_path / "a.csv", "a1", 5))
        first = run_detect(moat.store, moat.engine, detectors=[ManyReads()])
        assert [a["subject_id"] for a in first.alerts] == ["a1"] and first.events == {"access": 5}
        again = run_detect(moat.store, moat.engine, detectors=[ManyReads()])
        assert again.alerts == [] and again.events == {}
        moat.ingest("access", _access(tmp_path / "b.csv", "a2", 4, start=10))
        third = run_detect(moat.store, moat.engine, detectors=[ManyReads()])
        assert third.events == {"access": 4} and [a["subject_id"] for a in third.alerts] == ["a2"]
        full = run_detect(moat.store, moat.engine, detectors=[ManyReads()], full=True)
        assert full.events == {"access": 9} and full.alerts == []  # same alerts, same ids: stored once
        assert moat.stats()["alerts"] == 2


def test_ecs_file_and_memory_sinks(tmp_path: Path) -> None:
    with Moat.open(tmp_path / "ws") as moat:
        moat.ingest("access", _access(tmp_path / "a.csv", "a1", 5))
        alerts = run_detect(moat.store, moat.engine, detectors=[ManyReads()]).alerts
    EcsFileSink(tmp_path / "siem.jsonl").send(alerts)
    doc = json.loads((tmp_path / "siem.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert doc["ecs"]["version"] and doc["event"]["kind"] == "alert" and doc["user"]["id"] == "a1"
    assert doc["event"]["risk_score"] == pytest.approx(50.0) and doc["rule"]["name"] == "many_reads"
    mem = MemorySink()
    mem.send(alerts)
    assert mem.sent == alerts


def test_webhook_posts_json_and_unreachable_is_a_user_error(tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    t = datetime(2024, 5, 1, tzinfo=UTC)
    alert = {"alert_id": "x1", "kind": "bulk_access", "subject_type": "actor", "subject_id": "a1",
             "score": 0.9, "window_start": t, "window_end": t + timedelta(hours=1), "reason": "r"}
    WebhookSink(f"http://127.0.0.1:{server.server_port}/hook").send([alert])
    thread.join(5)
    server.server_close()
    assert received[0]["alerts"][0]["alert_id"] == "x1"
    with pytest.raises(UserError, match="not reachable"):
        WebhookSink(f"http://127.0.0.1:{server.server_port}/hook", timeout=1).send([alert])
    with pytest.raises(UserError):
        WebhookSink("ftp://example/hook")


def test_sessions_combine_alerts_and_mark_step_up() -> None:
    t = datetime(2024, 5, 1, 2, 10, tzinfo=UTC)

    def alert(kind: str, score: float, subject: str = "a1") -> dict[str, Any]:
        return {"kind": kind, "subject_type": "actor", "subject_id": subject, "score": score,
                "window_start": t, "window_end": t + timedelta(minutes=50), "reason": kind}

    out = sessions([alert("bulk_access", 0.4), alert("off_hours", 0.3), alert("off_hours", 0.2, "a2")])
    assert out[0].subject_id == "a1" and out[0].risk == pytest.approx(1 - 0.6 * 0.7) and out[0].step_up
    assert out[1].subject_id == "a2" and not out[1].step_up

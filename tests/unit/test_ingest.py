"""Ingest's guarantees: idempotent, all or nothing, bad rows set aside with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ordermoat import BadInputError, Moat
from ordermoat.lake import BatchWriter

HEADER = "ts,actor_id,order_ids,operation,fields,event_id\n"


def _access(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_overlapping_files_add_only_new_events(tmp_path: Path) -> None:
    a = _access(tmp_path / "a.csv", ["2024-05-01 10:00:00,a1,o1;o2,view,,e1", "2024-05-01 10:01:00,a1,o3,view,,e2"])
    b = _access(tmp_path / "b.csv", ["2024-05-01 10:01:00,a1,o3,view,,e2", "2024-05-01 10:02:00,a2,o3,print,,e3"])
    with Moat.open(tmp_path / "ws") as moat:
        assert moat.ingest("access", a).rows_loaded == 2
        second = moat.ingest("access", b)
        assert (second.rows_loaded, second.duplicates) == (1, 1)
        assert moat.ingest("access", b).already_ingested
        assert moat.stats()["access_events"] == 3


def test_derived_event_ids_make_reingest_of_a_copy_idempotent(tmp_path: Path) -> None:
    rows = ["2024-05-01 10:00:00,a1,o1,view,buyer_name,", "2024-05-01 11:00:00,a2,o2,export,,"]
    a = _access(tmp_path / "a.csv", rows)
    b = _access(tmp_path / "b.csv", [*rows, "2024-05-01 12:00:00,a3,o9,list,address,"])  # a different file
    with Moat.open(tmp_path / "ws") as moat:
        moat.ingest("access", a)
        assert moat.ingest("access", b).rows_loaded == 1
        assert moat.stats()["access_events"] == 3


@pytest.mark.parametrize("kind", ["access", "actors"])
def test_strict_loads_nothing_and_lenient_loads_the_rest(tmp_path: Path, kind: str) -> None:
    if kind == "access":
        f = _access(tmp_path / "x.csv", ["2024-05-01 10:00:00,a1,o1,view,,e1", "not-a-time,a1,o1,view,,e2"])
        reason = "ts"
    else:
        f = tmp_path / "x.csv"
        f.write_text("actor_id,party_id,party_kind,role\na1,s1,merchant,cs\na2,s1,bank,cs\n", encoding="utf-8")
        reason = "party_kind"
    with Moat.open(tmp_path / "strict") as moat:
        with pytest.raises(BadInputError, match="nothing loaded"):
            moat.ingest(kind, f, strict=True)
        assert moat.stats()["access_events" if kind == "access" else "actors"] == 0
    with Moat.open(tmp_path / "lenient") as moat:
        result = moat.ingest(kind, f)
        assert (result.rows_loaded, result.rows_rejected) == (1, 1)
        assert result.rejected_sample[0].line == 3 and reason in result.rejected_sample[0].reason
        assert result.rejects_file and Path(result.rejects_file).read_text(encoding="utf-8").count("\n") == 2


def test_a_crash_mid_ingest_leaves_no_half_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = _access(tmp_path / "a.csv", [f"2024-05-01 10:00:{i:02d},a1,o{i},view,,e{i}" for i in range(50)])

    def crash(self: BatchWriter) -> int:
        raise OSError("disk full")

    with Moat.open(tmp_path / "ws") as moat:
        monkeypatch.setattr(BatchWriter, "commit", crash)
        with pytest.raises(OSError):
            moat.ingest("access", f)
        monkeypatch.undo()
        assert moat.stats()["access_events"] == 0
        assert not list((tmp_path / "ws" / "lake" / "_staging").iterdir())
        assert moat.ingest("access", f).rows_loaded == 50  # not remembered as ingested

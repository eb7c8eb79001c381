"""Read detectors: normal work stays quiet, leaks fire, on parametrized synthetic tables."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ordermoat.formats.schemas import schema_for
from ordermoat.detect.base import ALERT_SCHEMA, Context, Detector
from ordermoat.detect.reads import (
    READ_DETECTORS,
    BulkAccess,
    Enumeration,
    FieldsBeyondRole,
    NewSourceBulk,
    OffHours,
)

ALL = 63
PHONE = 1 << 1
ALL_DETECTORS: list[type[Detector]] = [BulkAccess, OffHours, Enumeration, FieldsBeyondRole, NewSourceBulk]
START = datetime(2024, 5, 1, tzinfo=UTC) - timedelta(hours=8)  # 2024-05-01 00:00 China time
DAYS = 7
LAST_DAY = START + timedelta(days=DAYS - 1)

ACCESS_SCHEMA = schema_for("access")  # the lake's own schema

ACTORS = [
    *[(f"cs{i}", "shop-1", "merchant", "cs_agent") for i in range(1, 6)],
    *[(f"dsp{i}", f"carrier-{i}", "logistics", "dispatcher") for i in range(1, 4)],
    *[(f"erp{i}", f"isv-{i}", "isv", "app") for i in range(1, 3)],
]


def at(day: int, local_hour: int, minute: int = 0) -> datetime:
    return START + timedelta(days=day, hours=local_hour, minutes=minute)


def oid(k: int) -> str:
    return f"o{k:06d}"


class Log:
    """Builds an access table row by row (test data only)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, ts: datetime, actor: str, orders: list[str], op: str = "view", mask: int = ALL, **src: str | None) -> None:
        app = actor.startswith("erp")
        self.rows.append(
            {
                "event_id": f"e{len(self.rows)}",
                "ts": ts,
                "actor_id": actor,
                "order_ids": orders,
                "operation": op,
                "field_mask": mask,
                "ip": src.get("ip", f"10.0.0.{sum(map(ord, actor)) % 250}"),
                "device_id": src.get("device_id", None if app else f"dev-{actor}"),
                "app_id": src.get("app_id", f"app-{actor}" if app else None),
                "url": None,
            }
        )

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows, schema=ACCESS_SCHEMA)


def normal(log: Log, seed: int = 7) -> None:
    """A week of ordinary work: cs agents by day, dispatchers listing 300/h, ERP apps all day."""
    rng = random.Random(seed)
    for day in range(DAYS):
        for actor in ("cs1", "cs2", "cs3", "cs4", "cs5"):
            for hour in range(9, 19):
                seen = [oid(rng.randrange(1_000_000)) for _ in range(20)]
                for m, o in enumerate(seen):
                    log.add(at(day, hour, m * 3), actor, [o], "view", 0b111001)
                log.add(at(day, hour, 59), actor, [seen[0]], "decrypt", PHONE)  # 1 in 20: 5 %
        for i, actor in enumerate(("dsp1", "dsp2", "dsp3")):
            for hour in range(8, 21):
                log.add(at(day, hour, 10 + i), actor, [oid(rng.randrange(1_000_000)) for _ in range(300)], "list", 0b000111)
        for i, actor in enumerate(("erp1", "erp2")):
            nxt = 200_000 * (i + 1) + day * 20_000
            for hour in range(24):
                for m in range(0, 60, 5):  # every five minutes, its shops' newest orders
                    batch = []
                    for _ in range(rng.randint(3, 8)):
                        nxt += rng.randint(2, 30)  # other shops' orders fall in between
                        batch.append(oid(nxt))
                    log.add(at(day, hour, m), actor, batch, "api_pull", ALL)


def night_bulk(log: Log) -> None:
    """cs1 reads 1,500 orders at 2 a.m."""
    ids = [oid(k) for k in random.Random(1).sample(range(1_000_000), 1500)]
    for m in range(50):
        log.add(at(DAYS - 1, 2, m), "cs1", ids[m * 30 : (m + 1) * 30], "list", 0b111001)


def night_small(log: Log) -> None:
    """cs1 reads 60 orders at 2 a.m.: odd, but under the floors."""
    rng = random.Random(1)
    for m in range(2):
        log.add(at(DAYS - 1, 2, m), "cs1", [oid(rng.randrange(1_000_000)) for _ in range(30)], "list", 0b111001)


def day_bulk_dispatcher(log: Log) -> None:
    """dsp1 lists 600 orders in an hour: twice its usual, within its role's habits."""
    rng = random.Random(2)
    log.add(at(DAYS - 1, 15, 30), "dsp1", [oid(rng.randrange(1_000_000)) for _ in range(300)], "list", 0b000111)


def crawl(log: Log) -> None:
    """cs2 walks o000100..o000600 one id at a time."""
    for k in range(100, 601):
        log.add(at(DAYS - 1, 14) + timedelta(seconds=7 * (k - 100)), "cs2", [oid(k)], "view", 0b111001)


def scattered(log: Log) -> None:
    """cs2 reads as many orders in the same hour, but scattered (bulk, not a crawl)."""
    rng = random.Random(3)
    for k in range(501):
        log.add(at(DAYS - 1, 14) + timedelta(seconds=7 * k), "cs2", [oid(rng.randrange(1_000_000))], "view", 0b111001)


def short_run(log: Log) -> None:
    """cs2 works through a dozen consecutive orders (one customer's basket): too short to be a crawl."""
    for k in range(500, 512):
        log.add(at(DAYS - 1, 20, k - 500), "cs2", [oid(k)], "view", 0b111001)


def new_device(log: Log) -> None:
    """cs3 pulls 800 orders through a device it never used."""
    rng = random.Random(4)
    for m in range(40):
        log.add(at(DAYS - 1, 15, m), "cs3", [oid(rng.randrange(1_000_000)) for _ in range(20)], "export", ALL, device_id="dev-x")


def new_device_few(log: Log) -> None:
    """cs3 reads 40 orders on a new laptop: a new source, but not a pull."""
    rng = random.Random(4)
    for m in range(40):
        log.add(at(DAYS - 1, 15, m), "cs3", [oid(rng.randrange(1_000_000))], "view", 0b111001, device_id="dev-x")


def decrypt_spree(log: Log) -> None:
    """cs4 unmasks the phone of half the orders it reads on the last day: 10x its peers."""
    rng = random.Random(5)
    for hour in range(9, 19):
        for m in range(25):
            log.add(at(DAYS - 1, hour, m * 2 + 1), "cs4", [oid(rng.randrange(1_000_000))], "decrypt", PHONE)


def decrypt_usual(log: Log) -> None:
    """cs4 unmasks a few more phones in one hour, at its peers' rate."""
    rng = random.Random(5)
    for m in range(2):
        log.add(at(DAYS - 1, 11, m * 2 + 1), "cs4", [oid(rng.randrange(1_000_000))], "decrypt", PHONE)


def run(det: Detector, extra: Callable[[Log], None] | None = None, mode: str = "last_day", actors: bool = True) -> pa.Table:
    log = Log()
    normal(log)
    if extra is not None:
        extra(log)
    con = ibis.duckdb.connect()
    access = con.create_table("access", log.table())
    ctx = Context(actors=con.create_table("actors", pa.Table.from_pylist([dict(zip(("actor_id", "party_id", "party_kind", "role"), a, strict=True)) for a in ACTORS])) if actors else None)
    new = access if mode == "all" else access.filter(access.ts >= LAST_DAY)
    out = det.detect(new, access, ctx).to_pyarrow()
    assert out.schema.equals(ALERT_SCHEMA), out.schema
    return out


@pytest.mark.parametrize("cls", ALL_DETECTORS, ids=lambda c: c.name)
@pytest.mark.parametrize("mode", ["last_day", "all"])
def test_normal_work_stays_quiet(cls: type[Detector], mode: str) -> None:
    out = run(cls(), mode=mode)
    assert out.num_rows == 0, out.to_pylist()


ATTACKS = [
    # (detector, attack, actor that must be alerted, hour start (local, last day))
    (BulkAccess, night_bulk, "cs1", 2),
    (BulkAccess, crawl, "cs2", 14),
    (OffHours, night_bulk, "cs1", 2),
    (Enumeration, crawl, "cs2", 14),
    (NewSourceBulk, new_device, "cs3", 15),
    (FieldsBeyondRole, decrypt_spree, "cs4", 9),
    (FieldsBeyondRole, new_device, "cs3", 15),  # an export of 800 phones by an agent
]


@pytest.mark.parametrize(("cls", "attack", "actor", "hour"), ATTACKS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_attack_fires(cls: type[Detector], attack: Callable[[Log], None], actor: str, hour: int) -> None:
    out = run(cls(), attack).to_pylist()
    assert {a["subject_id"] for a in out} == {actor}, out
    first = min(out, key=lambda a: a["window_start"])
    assert first["window_start"] == at(DAYS - 1, hour) and first["window_end"] == at(DAYS - 1, hour + 1)
    for a in out:
        assert a["kind"] == cls.name and a["subject_type"] == "actor"
        assert 0.5 <= a["score"] <= 1.0
        assert "dev-" not in a["reason"] and "10.0.0." not in a["reason"] and "o0" not in a["reason"]


NEAR_MISSES = [
    (BulkAccess, night_small),
    (BulkAccess, day_bulk_dispatcher),
    (OffHours, night_small),
    (OffHours, day_bulk_dispatcher),
    (Enumeration, scattered),
    (Enumeration, short_run),
    (NewSourceBulk, new_device_few),
    (NewSourceBulk, night_bulk),  # a bulk read, but from the agent's usual device
    (FieldsBeyondRole, decrypt_usual),
    (FieldsBeyondRole, night_bulk),  # a bulk read with the phone masked
]


@pytest.mark.parametrize(("cls", "attack"), NEAR_MISSES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_near_misses_stay_quiet(cls: type[Detector], attack: Callable[[Log], None]) -> None:
    assert run(cls(), attack).num_rows == 0


def test_scores_grow_with_the_excess() -> None:
    def bigger(log: Log) -> None:
        night_bulk(log)
        night_bulk(log)  # same orders twice: distinct counts do not change
        log.add(at(DAYS - 1, 2, 55), "cs1", [oid(k) for k in range(1_000_000, 1_003_000, 2)], "list", 0b111001)

    small = run(BulkAccess(), night_bulk).to_pylist()[0]
    large = run(BulkAccess(), bigger).to_pylist()[0]
    assert small["reason"].startswith("1500 distinct orders") and large["reason"].startswith("3000 distinct orders")
    assert 0.5 < small["score"] < large["score"] < 1.0


def test_own_baseline_keeps_a_habitual_heavy_reader_quiet() -> None:
    """An agent who exported 1,200 orders every afternoon does it again: not an alert."""

    def habit(log: Log) -> None:
        rng = random.Random(11)
        for day in range(DAYS):
            log.add(at(day, 16, 5), "cs5", [oid(rng.randrange(1_000_000)) for _ in range(1200)], "list", 0b111001)

    out = run(BulkAccess(), habit).to_pylist()
    assert out == []
    assert {a["subject_id"] for a in run(BulkAccess(), habit, mode="all").to_pylist()} == {"cs5"}  # day 1 only
    assert len(run(BulkAccess(), habit, mode="all").to_pylist()) == 1


def test_without_actors_every_actor_is_its_own_unknown_peer() -> None:
    out = run(BulkAccess(), night_bulk, actors=False).to_pylist()
    assert [a["subject_id"] for a in out] == ["cs1"] and "unknown/unknown" in out[0]["reason"]


def test_registry_names() -> None:
    assert READ_DETECTORS == {c.name: f"ordermoat.detect.reads:{c.__name__}" for c in ALL_DETECTORS}
    assert all(c.source == "access" for c in ALL_DETECTORS)


def test_insider_on_the_simulator(tmp_path: Path) -> None:
    from ordermoat.formats.specs import field_mask
    from ordermoat.simulate import simulate

    truth = simulate(tmp_path, seed=1, orders=20_000, scenario="insider_bulk", fmt="parquet")
    raw = pq.read_table(tmp_path / "access.parquet")
    access_t = raw.append_column("field_mask", field_mask(raw["fields"])).drop(["fields"])
    con = ibis.duckdb.connect()
    access = con.create_table("access", access_t)
    actors = con.read_parquet(tmp_path / "actors.parquet")
    out = BulkAccess().detect(access, access, Context(actors=actors)).to_pyarrow()
    alerted = set(out["subject_id"].to_pylist())
    assert truth["leakers"][0]["actor_id"] in alerted
    assert not alerted & set(truth["heavy_readers"])
    assert json.dumps(out.to_pylist(), default=str)  # plain values only

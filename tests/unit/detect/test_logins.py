"""Login detectors on small hand-built tables (pyarrow → Ibis DuckDB) and on the simulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from ordermoat.formats.schemas import schema_for
from ordermoat.detect.base import ALERT_SCHEMA, Context, Detector
from ordermoat.detect.logins import (
    LOGIN_DETECTORS,
    AccountTakeover,
    CredentialStuffing,
    Lockout,
    PasswordSpraying,
    UnusualLoginNotice,
)

T0 = datetime(2024, 4, 1, 0, 0, tzinfo=UTC)
ALL = [CredentialStuffing, PasswordSpraying, AccountTakeover, UnusualLoginNotice, Lockout]
Row = tuple[float, str, str, str, bool, str | None]  # minutes after T0, account, kind, ip, success, device

LOGIN_SCHEMA = schema_for("logins")  # the lake's own schema


def table(rows: list[Row]) -> pa.Table:
    cols: dict[str, list[Any]] = {n: [] for n in LOGIN_SCHEMA.names}
    for i, (minute, account, kind, ip, ok, device) in enumerate(rows):
        cols["event_id"].append(f"e{i:07d}")
        cols["ts"].append(T0 + timedelta(minutes=minute))
        cols["account_id"].append(account)
        cols["account_kind"].append(kind)
        cols["ip"].append(ip)
        cols["success"].append(ok)
        cols["device_id"].append(device)
        cols["user_agent"].append("Mozilla/5.0")
    return pa.table(cols, schema=LOGIN_SCHEMA)


def run(det: Detector, rows: list[Row], new_from: float | None = None, **params: Any) -> pa.Table:
    con = ibis.duckdb.connect()
    hist = con.create_table("logins", table(rows))
    new = hist if new_from is None else hist.filter(hist.ts >= T0 + timedelta(minutes=new_from))
    p = {k: (con.create_table(k, v) if isinstance(v, pa.Table) else v) for k, v in params.items()}
    out = det.detect(new, hist, Context(actors=None, params=p)).to_pyarrow()
    assert out.schema.equals(ALERT_SCHEMA), out.schema
    assert all(0.0 <= s <= 1.0 for s in out["score"].to_pylist())
    assert all(k == det.name for k in out["kind"].to_pylist())
    return out


def subjects(out: pa.Table) -> set[tuple[str, str]]:
    return set(zip(out["subject_type"].to_pylist(), out["subject_id"].to_pylist(), strict=True))


# --- patterns -------------------------------------------------------------------------


def baseline(account: str, ip: str, device: str, days: int = 3) -> list[Row]:
    """An account that logged in normally on the previous days."""
    return [(-(d + 1) * 1440 + 600, account, "buyer", ip, True, device) for d in range(days)]


def buyer_typos() -> list[Row]:
    rows = baseline("b1", "10.0.0.5", "dev-b1")
    return rows + [(600, "b1", "buyer", "10.0.0.5", False, "dev-b1"), (600.5, "b1", "buyer", "10.0.0.5", False, "dev-b1"),
                   (601, "b1", "buyer", "10.0.0.5", True, "dev-b1")]  # fmt: skip


def office_nat() -> list[Row]:
    rows: list[Row] = []
    for day in range(3):
        for s in range(40):
            rows.append((day * 1440 + 480 + s, f"staff{s}", "staff", "58.1.1.1", True, f"pc{s}"))
        rows.append((day * 1440 + 479, "staff7", "staff", "58.1.1.1", False, "pc7"))  # one typo a day
    return rows


def mobile_roaming() -> list[Row]:
    rows = baseline("b2", "10.0.0.9", "phone-b2")
    return rows + [(60 * h, "b2", "buyer", f"100.64.{h}.{h + 7}", True, "phone-b2") for h in range(1, 12)]


def new_phone_at_home() -> list[Row]:
    return baseline("b3", "10.0.0.3", "old-phone") + [(700, "b3", "buyer", "10.0.0.3", True, "new-phone")]


def busy_shared_ip() -> list[Row]:
    """A carrier NAT: 400 buyers over a day, one in ten mistypes first, nearly all succeed."""
    rows: list[Row] = []
    for i in range(400):
        minute = (i * 7) % 1440
        if i % 10 == 0:
            rows.append((minute, f"u{i}", "buyer", "61.2.2.2", False, f"d{i}"))
        rows.append((minute + 0.5, f"u{i}", "buyer", "61.2.2.2", True, f"d{i}"))
    return rows


NORMAL: dict[str, Callable[[], list[Row]]] = {
    "buyer mistypes twice then succeeds": buyer_typos,
    "office NAT, 40 staff succeed": office_nat,
    "mobile buyer switches IPs on the same device": mobile_roaming,
    "buyer on a new phone at home": new_phone_at_home,
    "busy shared IP with some typos": busy_shared_ip,
}


def stuffing_one_ip(ip: str = "45.9.9.9", accounts: int = 300) -> list[Row]:
    rows: list[Row] = [(i * 0.15, f"v{i}", "buyer", ip, i % 20 == 0, f"bot{i}") for i in range(accounts)]
    return rows  # 5% succeed


def stuffing_subnet() -> list[Row]:
    return [(i * 0.15, f"v{i}", "buyer", f"45.9.8.{10 + i % 50}", i % 20 == 0, None) for i in range(300)]


def stuffing_device() -> list[Row]:
    """One device rotating through proxies in different networks."""
    return [(i * 0.15, f"v{i}", "buyer", f"{30 + i % 40}.7.7.7", False, "emu-1") for i in range(300)]


def spraying() -> list[Row]:
    return [(i * 1440 / 500, f"v{i}", "buyer", "77.7.7.7", False, None) for i in range(500)]


def six_failures() -> list[Row]:
    return [(m, "b9", "buyer", "10.0.0.9", False, "d9") for m in (0, 2, 4, 6, 8, 10)]


@pytest.mark.parametrize("det", ALL, ids=lambda d: d.name)
@pytest.mark.parametrize("pattern", NORMAL, ids=str)
def test_normal_patterns_stay_quiet(det: type[Detector], pattern: str) -> None:
    out = run(det(), NORMAL[pattern]())
    assert out.num_rows == 0, out.to_pylist()


@pytest.mark.parametrize(
    ("det", "rows", "subject"),
    [
        (CredentialStuffing, stuffing_one_ip(), ("ip", "45.9.9.9")),
        (CredentialStuffing, stuffing_subnet(), ("ip", "45.9.8.0/24")),
        (PasswordSpraying, spraying(), ("ip", "77.7.7.7")),
        (Lockout, six_failures(), ("account", "b9")),
    ],
    ids=["stuffing 300 accounts from one IP", "stuffing from a /24 over 50 IPs", "spraying 500 accounts in a day",
         "6 failures in 10 minutes"],
)
def test_attacks_fire(det: type[Detector], rows: list[Row], subject: tuple[str, str]) -> None:
    out = run(det(), rows)
    assert subjects(out) == {subject}
    assert min(out["score"].to_pylist()) >= 0.5


def test_subnet_spread_does_not_fire_per_ip() -> None:
    out = run(CredentialStuffing(), stuffing_subnet())
    assert all(s.endswith("/24") for s in out["subject_id"].to_pylist())
    assert "50 IPs" in out["reason"][0].as_py()


def test_device_rotating_ips_is_reported_with_the_device_in_the_reason() -> None:
    out = run(CredentialStuffing(), stuffing_device())
    assert out.num_rows >= 1
    assert all(r.startswith("device emu-1 via 40 IPs") for r in out["reason"].to_pylist())
    assert set(out["subject_type"].to_pylist()) == {"ip"}


def test_known_accounts_catch_a_gentler_list() -> None:
    # 60% failures is not enough on its own; 40 accounts that do not exist make it stuffing.
    rows: list[Row] = [(i * 0.5, f"ghost{i}" if i < 40 else f"v{i}", "buyer", "46.1.1.1", i >= 40 and i % 5 < 4, None)
                       for i in range(100)]  # fmt: skip
    assert run(CredentialStuffing(), rows).num_rows == 0
    known = pa.table({"account_id": [f"v{i}" for i in range(40, 100)]})
    out = run(CredentialStuffing(), rows, known_accounts=known)
    assert subjects(out) == {("ip", "46.1.1.1")}
    assert "40 unknown accounts" in out["reason"][0].as_py()


def test_stuffing_judges_only_windows_that_new_touches() -> None:
    rows = stuffing_one_ip() + [(3 * 1440, "b1", "buyer", "10.0.0.5", True, "dev-b1")]
    assert run(CredentialStuffing(), rows).num_rows >= 1
    assert run(CredentialStuffing(), rows, new_from=3 * 1440 - 1).num_rows == 0


def test_takeover_success_from_the_attacking_ip() -> None:
    rows = stuffing_one_ip() + baseline("victim", "10.1.1.1", "victim-phone")
    rows.append((50, "victim", "buyer", "45.9.9.9", True, "bot-x"))
    out = run(AccountTakeover(), rows)
    ids = set(out["subject_id"].to_pylist())
    # the victim, and every stuffing hit (each 20th account) after the IP's first failure
    assert ids == {"victim"} | {f"v{i}" for i in range(20, 300, 20)}
    assert out.filter(pa.compute.equal(out["subject_id"], "victim"))["score"][0].as_py() == pytest.approx(0.8)


def test_takeover_new_device_and_ip_after_failures() -> None:
    rows = baseline("b5", "10.5.5.5", "p5")
    fails: list[Row] = [(600 + m, "b5", "buyer", f"203.0.113.{m}", False, f"x{m}") for m in range(3)]
    ok: Row = (640, "b5", "buyer", "198.51.100.7", True, "attacker-pc")
    out = run(AccountTakeover(), rows + fails + [ok])
    assert subjects(out) == {("account", "b5")}
    assert "3 failures from 3 IPs" in out["reason"][0].as_py()
    # two failures are a typo, not a takeover
    assert run(AccountTakeover(), rows + fails[:2] + [ok]).num_rows == 0
    # and the buyer's notice fires too, scored up by the failures
    notice = run(UnusualLoginNotice(), rows + fails + [ok])
    assert notice["score"].to_pylist() == [pytest.approx(0.5)]


def test_staff_takeover_followed_by_reads_scores_higher() -> None:
    rows: list[Row] = [(-1440 + 480, "s1", "staff", "58.1.1.1", True, "pc1")]
    rows += [(600 + m, "s1", "staff", "203.0.113.9", False, "kali") for m in range(4)]
    rows.append((610, "s1", "staff", "203.0.113.9", True, "kali"))
    access = pa.table(
        {
            "ts": pa.array([T0 + timedelta(minutes=620), T0 + timedelta(minutes=700)], pa.timestamp("us", tz="UTC")),
            "actor_id": ["s1", "s1"],
            "order_ids": pa.array([[f"o{i}" for i in range(200)], ["o1"]], pa.list_(pa.string())),
        }
    )
    plain = run(AccountTakeover(), rows)
    followed = run(AccountTakeover(), rows, access=access)
    assert plain.num_rows == followed.num_rows == 1
    assert followed["score"][0].as_py() > plain["score"][0].as_py()
    assert "then read 200 orders in 1 calls" in followed["reason"][0].as_py()
    assert followed["window_end"][0].as_py() == T0 + timedelta(minutes=620)


def test_unusual_login_notice_fires_low_on_new_device_and_ip() -> None:
    rows = baseline("b6", "10.6.6.6", "p6") + [(600, "b6", "buyer", "100.70.1.1", True, "p6-new")]
    out = run(UnusualLoginNotice(), rows)
    assert subjects(out) == {("account", "b6")}
    assert out["score"].to_pylist() == [pytest.approx(0.2)]
    # no baseline, no notice: the account's first login is not "unusual"
    assert run(UnusualLoginNotice(), rows[-1:]).num_rows == 0


@pytest.mark.parametrize(
    ("minutes", "fires"),
    [((0, 2, 4, 6, 8), True), ((0, 2, 4, 6), False), ((0, 5, 10, 15, 20, 25), False), ((0, 1, 2, 3, 4, 5, 6), True)],
)
def test_lockout_needs_five_failures_within_fifteen_minutes(minutes: tuple[int, ...], fires: bool) -> None:
    out = run(Lockout(), [(m, "b7", "buyer", "10.7.7.7", False, None) for m in minutes])
    assert (out.num_rows == 1) is fires


def test_lockout_counts_only_consecutive_failures() -> None:
    rows: list[Row] = [(m, "b8", "buyer", "10.8.8.8", False, None) for m in (0, 1, 2, 3)]
    rows += [(4, "b8", "buyer", "10.8.8.8", True, None), (5, "b8", "buyer", "10.8.8.8", False, None)]
    assert run(Lockout(), rows).num_rows == 0
    rows.append((6, "b8", "buyer", "10.8.8.8", False, None))
    assert run(Lockout(), [r for r in rows if r[4] is False]).num_rows == 1


@pytest.mark.parametrize("det", ALL, ids=lambda d: d.name)
def test_empty_new_gives_empty_alerts(det: type[Detector]) -> None:
    rows = stuffing_one_ip() + six_failures()
    assert run(det(), rows, new_from=10 * 1440).num_rows == 0


def test_registry_names() -> None:
    assert set(LOGIN_DETECTORS) == {"credential_stuffing", "password_spraying", "account_takeover", "unusual_login",
                                    "lockout"}  # fmt: skip
    for cls in ALL:
        assert cls.source == "logins" and cls.__doc__ and LOGIN_DETECTORS[cls.name].endswith(":" + cls.__name__)


# --- the simulator ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ordermoat.simulate import simulate

    out = {}
    for scenario in ("none", "mixed"):
        d = tmp_path_factory.mktemp(f"sim-{scenario}")
        simulate(d, seed=1, orders=20000, scenario=scenario, fmt="parquet")
        out[scenario] = d
    return out


@pytest.mark.parametrize("scenario", ["none", "mixed"])
def test_stuffing_on_the_simulator(simulated: dict[str, Path], scenario: str) -> None:
    d = simulated[scenario]
    truth = set(json.loads((d / "truth.json").read_text())["credential_stuffing_ips"])
    con = ibis.duckdb.connect()
    t = con.read_parquet(str(d / "logins.parquet"))
    out = CredentialStuffing().detect(t, t, Context(actors=None)).to_pyarrow()
    flagged = set(out["subject_id"].to_pylist())
    busy = con.sql(
        f"SELECT ip FROM {t.get_name()} WHERE success GROUP BY ip HAVING count(*) >= 10"
    ).to_pyarrow()["ip"].to_pylist()
    assert (scenario == "mixed") == bool(truth)
    assert len(flagged & truth) >= 0.8 * len(truth)
    assert not (flagged - truth) & set(busy)
    assert flagged <= truth

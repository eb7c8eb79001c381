"""Behaviour of the synthetic marketplace (small runs; no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ordermoat.domain import ORDER_FIELDS
from ordermoat.simulate import SCENARIOS, simulate

CONTRACT_COLUMNS = {
    "actors": ["actor_id", "party_id", "party_kind", "role", "display_name"],
    "orders": ["order_id", "shop_id", "buyer_id", "buyer_name", "buyer_phone", "address", "item_title", "amount",
               "created_at", "paid_at", "shipped_at", "delivered_at", "carrier_id", "courier_id", "tracking_no", "status"],
    "access": ["ts", "actor_id", "order_ids", "operation", "fields", "ip", "device_id", "app_id", "url", "event_id"],
    "logins": ["ts", "account_id", "account_kind", "ip", "success", "device_id", "user_agent", "event_id"],
    "reports": ["report_id", "reported_at", "order_id", "buyer_phone", "contacted_at", "channel", "caller_number",
                "known_fields", "recited", "payee_account", "loan_platforms", "loss_amount", "transcript"],
}  # fmt: skip


def _read(out: Path, kind: str) -> pd.DataFrame:
    return pq.read_table(out / f"{kind}.parquet").to_pandas()


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    a, b, c = (simulate(tmp_path / d, seed=s, orders=1500, scenario="mixed") for d, s in (("a", 3), ("b", 3), ("c", 4)))
    assert a == b
    for kind in CONTRACT_COLUMNS:
        assert (tmp_path / "a" / f"{kind}.csv").read_bytes() == (tmp_path / "b" / f"{kind}.csv").read_bytes()
    assert (tmp_path / "a" / "orders.csv").read_bytes() != (tmp_path / "c" / "orders.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_files_carry_exactly_the_contract_columns(tmp_path: Path, fmt: str) -> None:
    simulate(tmp_path, seed=1, orders=800, scenario="courier", fmt=fmt)
    for kind, cols in CONTRACT_COLUMNS.items():
        path = tmp_path / f"{kind}.{fmt}"
        if fmt == "csv":
            header = path.read_text(encoding="utf-8").splitlines()[0]
            assert header.replace('"', "").split(",") == cols
        elif fmt == "jsonl":
            row = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
            assert list(row) == cols
        else:
            assert pq.read_schema(path).names == cols
    assert (tmp_path / "truth.json").exists()


def test_jsonl_timestamps_carry_cst_offset_and_recited_is_an_object(tmp_path: Path) -> None:
    simulate(tmp_path, seed=2, orders=1500, scenario="isv_compromise", fmt="jsonl")
    rows = [json.loads(line) for line in (tmp_path / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows
    assert all(r["reported_at"].endswith("+08:00") and isinstance(r["recited"], dict) for r in rows)
    assert all(isinstance(r["known_fields"], list) for r in rows)


def test_phones_are_valid_mainland_mobiles(mixed_run: tuple[Path, dict]) -> None:
    import phonenumbers
    phones = _read(mixed_run[0], "orders")["buyer_phone"].unique()
    bad = [p for p in phones if not (len(p) == 11 and phonenumbers.is_valid_number(phonenumbers.parse(p, "CN")))]
    assert bad == []


def test_addresses_follow_the_real_province_city_district_structure(mixed_run: tuple[Path, dict]) -> None:
    import cpca
    from ordermoat.simulate.geo import geography

    geo = geography()
    prefixes = dict(zip(geo.prefix.to_pylist(), geo.adcode, strict=True))
    addresses = _read(mixed_run[0], "orders")["address"].drop_duplicates().head(400).tolist()
    parsed = cpca.transform(addresses)
    for address, code in zip(addresses, parsed["adcode"], strict=True):
        ours = max((p for p in prefixes if address.startswith(p)), key=len)
        assert prefixes[ours] == code, address


def test_reports_follow_reads_by_their_leaker(mixed_run: tuple[Path, dict]) -> None:
    out, truth = mixed_run
    reports = _read(out, "reports")
    access = _read(out, "access").explode("order_ids")
    orders = _read(out, "orders")[["order_id", "buyer_phone"]]
    leakers = {lk["actor_id"] for lk in truth["leakers"]}
    attributed = reports[reports["report_id"].map(truth["report_sources"]).notna()]
    assert len(attributed) >= 10 and len(leakers) == 3
    for rep in attributed.itertuples():
        actor = truth["report_sources"][rep.report_id]
        ids = [rep.order_id] if pd.notna(rep.order_id) else orders.loc[orders.buyer_phone == rep.buyer_phone, "order_id"].tolist()
        reads = access[(access.actor_id == actor) & access.order_ids.isin(ids) & (access.ts < rep.contacted_at)]
        shown = {f for fields in reads["fields"] for f in fields}
        assert set(rep.known_fields) - {"order_id"} <= shown, rep.report_id
        assert rep.reported_at >= rep.contacted_at


def test_noise_is_a_minority_and_recorded(mixed_run: tuple[Path, dict]) -> None:
    truth = mixed_run[1]
    noise = truth["noise_report_ids"]
    assert 0.05 <= len(noise) / len(truth["report_sources"]) <= 0.4
    assert all(truth["report_sources"][r] is None for r in noise)


def test_privacy_waybill_couriers_never_see_name_or_phone(mixed_run: tuple[Path, dict]) -> None:
    out, truth = mixed_run
    actors = _read(out, "actors")
    couriers = actors[(actors.role == "courier") & actors.party_id.isin(truth["privacy_carriers"])].actor_id
    assert len(couriers) > 0
    reads = _read(out, "access").query("actor_id in @couriers")
    assert len(reads) > 0
    assert not any({"buyer_name", "buyer_phone"} & set(f) for f in reads["fields"])


def test_none_has_no_leakers(tmp_path: Path) -> None:
    truth = simulate(tmp_path, seed=5, orders=1500, scenario="none")
    assert truth["leakers"] == [] and truth["credential_stuffing_ips"] == []
    assert truth["report_sources"] and all(v is None for v in truth["report_sources"].values())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_runs(tmp_path: Path, scenario: str) -> None:
    truth = simulate(tmp_path, seed=11, orders=3000, scenario=scenario, report_rate=0.05)
    kinds = {lk["kind"] for lk in truth["leakers"]}
    expected = {"none": set(), "mixed": None}.get(scenario, {scenario})
    assert kinds == expected if expected is not None else len(kinds) == 3
    for lk in truth["leakers"]:
        assert lk["leaked_orders"] >= 50 and lk["reports"] >= 1
        assert lk["actor_id"] not in truth["heavy_readers"]
    assert set(truth["counts"]) == set(CONTRACT_COLUMNS)


def test_unknown_scenario_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        simulate(tmp_path, scenario="bogus")


def test_fields_only_name_order_fields(mixed_run: tuple[Path, dict]) -> None:
    fields = _read(mixed_run[0], "access")["fields"]
    assert {f for fs in fields for f in fs} <= set(ORDER_FIELDS)

"""The marketplace's organisations and their actors: platform, shops, ISVs, carriers.

Built once per run with small Python loops over parties (never over orders). Everything an
order-level generator needs is kept as numpy lookup arrays indexed by shop, carrier or
district, so per-order work stays vectorized.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ordermoat.simulate import hashing
from ordermoat.simulate.catalog import catalog
from ordermoat.simulate.geo import geography
from ordermoat.simulate.people import device_ids, ips, names

__all__ = ["Marketplace", "build_marketplace", "CARRIER_NAMES"]

COURIERS_PER_OUTLET = 15
CARRIER_NAMES = ("迅达快递", "通程速运", "安捷物流", "云路快递", "顺邮速递")
_CARRIER_CODES = ("XD", "TC", "AJ", "YL", "SY")
_ERP_NAMES = ("云仓ERP", "旺铺通ERP", "掌柜帮ERP", "快单宝ERP", "聚货管家", "易店通ERP")
_PRINT_NAMES = ("快打单", "云打印助手", "面单宝")


@dataclass
class _Actors:
    party: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    ip_key: list[int] = field(default_factory=list)  # actors sharing an office share an IP
    app_id: list[str | None] = field(default_factory=list)

    def add(self, party: str, kind: str, role: str, label: str, ip_key: int, app_id: str | None = None) -> int:
        self.party.append(party)
        self.kind.append(kind)
        self.role.append(role)
        self.label.append(label)
        self.ip_key.append(ip_key)
        self.app_id.append(app_id)
        return len(self.party) - 1


@dataclass
class Marketplace:
    """Parties, actors and who serves whom."""

    actors: pa.Table  # actor_id, party_id, party_kind, role, display_name
    ip: pa.Array  # per actor
    device_id: pa.Array
    app_id: pa.Array
    role: np.ndarray  # per actor, str
    shop_ids: list[str]
    shop_weight: np.ndarray
    shop_category: np.ndarray
    cs: tuple[np.ndarray, np.ndarray, np.ndarray]  # (start, count, flat actor ids) per shop
    warehouse: tuple[np.ndarray, np.ndarray, np.ndarray]
    shop_admin: np.ndarray
    shop_erp: np.ndarray  # app actor or -1
    shop_print: np.ndarray
    shop_carriers: np.ndarray  # (n_shops, 2): primary, secondary
    carrier_ids: list[str]
    carrier_codes: tuple[str, ...]
    carrier_privacy: np.ndarray  # bool: privacy waybills hide name and phone from couriers
    courier_of: np.ndarray  # (n_carriers, n_districts) -> actor
    dispatcher_of: np.ndarray  # (n_carriers, n_districts) -> actor of the outlet
    analysts: np.ndarray
    platform_cs: np.ndarray
    erp_apps: np.ndarray
    print_apps: np.ndarray

    @property
    def actor_ids(self) -> pa.Array:
        return self.actors.column("actor_id").combine_chunks()

    @property
    def heavy_readers(self) -> np.ndarray:
        """Innocent actors that read very many orders as part of their job."""
        return np.concatenate([self.erp_apps, self.print_apps, np.unique(self.dispatcher_of)])


def _groups(sizes: list[int], first: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    flat = np.concatenate([np.arange(f, f + s) for f, s in zip(first, sizes, strict=True)])
    return start, np.array(sizes, dtype=np.int64), flat.astype(np.int64)


def build_marketplace(seed: int, orders: int) -> Marketplace:
    """The parties for a run of ``orders`` orders."""
    rng = np.random.default_rng([seed, 1])
    geo = geography()
    acts = _Actors()
    ip_next = iter(range(1, 10**9))

    office = next(ip_next)
    analysts = [acts.add("platform", "platform", "analyst", "平台数据分析", office) for _ in range(int(np.clip(orders // 200_000 + 3, 3, 12)))]
    pcs = [acts.add("platform", "platform", "cs_agent", "平台客服", office) for _ in range(int(np.clip(orders // 100_000 + 4, 4, 30)))]
    for _ in range(2):
        acts.add("platform", "platform", "admin", "平台管理员", office)

    # ISVs and their app keys.
    n_erp = int(np.clip(orders // 80_000 + 2, 2, 30))
    n_print = int(np.clip(orders // 200_000 + 1, 1, 10))
    erp_apps: list[int] = []
    print_apps: list[int] = []
    for i in range(n_erp + n_print):
        is_erp = i < n_erp
        names_ = _ERP_NAMES if is_erp else _PRINT_NAMES
        j = i if is_erp else i - n_erp
        label = names_[j % len(names_)] + ("" if j < len(names_) else f"{j // len(names_) + 1}")
        for k in range(int(rng.integers(1, 4))):
            app_key = str(21_000_000 + int(rng.integers(0, 9_000_000)))
            a = acts.add(f"isv-{i + 1:02d}", "isv", "app", f"{label} 应用{k + 1}", next(ip_next), app_key)
            (erp_apps if is_erp else print_apps).append(a)

    # Carriers: outlets with dispatchers, couriers per group of neighbouring districts.
    n_car = len(CARRIER_NAMES)
    share = rng.permutation(np.array([0.3, 0.25, 0.2, 0.15, 0.1]))
    privacy = np.zeros(n_car, dtype=bool)
    privacy[rng.choice(n_car, 2, replace=False)] = True
    # A dispatcher runs an outlet (网点) of about COURIERS_PER_OUTLET couriers and lists all
    # of its parcels; a courier sees only the parcels of its own group of districts.
    dispatcher_of = np.zeros((n_car, len(geo)), dtype=np.int64)
    courier_of = np.zeros((n_car, len(geo)), dtype=np.int64)
    total_couriers = int(np.clip(orders // 150, 20, 20_000))
    cum_w = np.cumsum(geo.weight) / geo.weight.sum()
    for c, cname in enumerate(CARRIER_NAMES):
        party = f"carrier-{c + 1:02d}"
        n_cour = max(1, round(total_couriers * share[c]))
        n_out = max(1, -(-n_cour // COURIERS_PER_OUTLET))
        group = np.minimum((cum_w * n_cour).astype(np.int64), n_cour - 1)
        first_disp = len(acts.party)
        for o in range(n_out):
            acts.add(party, "logistics", "dispatcher", f"{cname}网点{o + 1}调度", next(ip_next))
        dispatcher_of[c] = first_disp + group * n_out // n_cour
        first = len(acts.party)
        for _ in range(n_cour):
            acts.add(party, "logistics", "courier", f"{cname}快递员", next(ip_next))
        courier_of[c] = first + group

    # Shops: Zipf-like sizes, staff scaled to volume.
    n_shops = max(5, orders // 2000)
    weight = rng.permutation(1.0 / np.arange(1, n_shops + 1) ** 0.8)
    weight /= weight.sum()
    cats = catalog().categories
    shop_cat = rng.integers(0, len(cats), n_shops)
    cs_sizes, cs_first, wh_sizes, wh_first, admins = [], [], [], [], []
    erp_of = np.where(rng.random(n_shops) < 0.9, np.array(erp_apps)[rng.integers(0, len(erp_apps), n_shops)], -1)
    print_of = np.where(rng.random(n_shops) < 0.4, np.array(print_apps)[rng.integers(0, len(print_apps), n_shops)], -1)
    carriers = np.stack([rng.choice(n_car, 2, replace=False, p=share) for _ in range(n_shops)])
    for s in range(n_shops):
        party = f"shop-{s + 1:04d}"
        volume = weight[s] * orders
        shop_office, shop_wh = next(ip_next), next(ip_next)
        cs_sizes.append(int(np.clip(1 + volume // 8000, 2, 12)))
        cs_first.append(len(acts.party))
        for _ in range(cs_sizes[-1]):
            acts.add(party, "merchant", "cs_agent", "店铺客服", shop_office)
        wh_sizes.append(int(np.clip(1 + volume // 6000, 2, 16)))
        wh_first.append(len(acts.party))
        for _ in range(wh_sizes[-1]):
            acts.add(party, "merchant", "warehouse", "仓库打包", shop_wh)
        admins.append(acts.add(party, "merchant", "admin", "店铺管理员", shop_office))

    n = len(acts.party)
    keys = np.arange(n)
    person = np.isin(np.array(acts.role), ["analyst", "cs_agent", "admin", "warehouse", "courier"])
    display = [
        f"{lbl} {nm}" if p else lbl
        for lbl, nm, p in zip(acts.label, names(keys, hashing.salt(seed, "staff")).to_pylist(), person, strict=True)
    ]
    ip_keys = np.array(acts.ip_key)
    is_app = np.array(acts.role) == "app"
    ip = np.where(is_app, ips(ip_keys, hashing.salt(seed, "cloud-ip"), cloud=True), ips(ip_keys, hashing.salt(seed, "ip")))
    actors = pa.table(
        {
            "actor_id": pa.array([f"a-{i + 1:05d}" for i in range(n)]),
            "party_id": pa.array(acts.party),
            "party_kind": pa.array(acts.kind),
            "role": pa.array(acts.role),
            "display_name": pa.array(display),
        }
    )
    return Marketplace(
        actors=actors,
        ip=pa.array(ip, pa.string()),
        device_id=pa.array(np.where(is_app, None, device_ids(keys, hashing.salt(seed, "device"))), pa.string()),
        app_id=pa.array(acts.app_id, pa.string()),
        role=np.array(acts.role),
        shop_ids=[f"shop-{s + 1:04d}" for s in range(n_shops)],
        shop_weight=weight,
        shop_category=shop_cat,
        cs=_groups(cs_sizes, cs_first),
        warehouse=_groups(wh_sizes, wh_first),
        shop_admin=np.array(admins, dtype=np.int64),
        shop_erp=erp_of.astype(np.int64),
        shop_print=print_of.astype(np.int64),
        shop_carriers=carriers.astype(np.int64),
        carrier_ids=[f"carrier-{c + 1:02d}" for c in range(n_car)],
        carrier_codes=_CARRIER_CODES,
        carrier_privacy=privacy,
        courier_of=courier_of,
        dispatcher_of=dispatcher_of,
        analysts=np.array(analysts, dtype=np.int64),
        platform_cs=np.array(pcs, dtype=np.int64),
        erp_apps=np.array(erp_apps, dtype=np.int64),
        print_apps=np.array(print_apps, dtype=np.int64),
    )

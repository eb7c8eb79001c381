"""Real administrative geography (from the adcode table shipped with ``cpca``) and addresses.

An address is ``province + city + district + street + number + community + building``,
where province, city and district come from one row of the real table, so that an address
parser recovers the same adcode. Faker's addresses mix provinces and cities; they are not used.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pyarrow as pa

from ordermoat.simulate import hashing
from ordermoat.simulate.columns import join, take
from ordermoat.simulate.vocab import lines

__all__ = ["REGIONS", "Geography", "geography", "districts_of", "addresses"]

REGIONS: tuple[str, ...] = ("华北", "东北", "华东", "华中", "华南", "西南", "西北")
_REGION_OF = {
    **dict.fromkeys(("11", "12", "13", "14", "15"), 0),
    **dict.fromkeys(("21", "22", "23"), 1),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36", "37"), 2),
    **dict.fromkeys(("41", "42", "43"), 3),
    **dict.fromkeys(("44", "45", "46"), 4),
    **dict.fromkeys(("50", "51", "52", "53", "54"), 5),
    **dict.fromkeys(("61", "62", "63", "64", "65"), 6),
}
# Resident population in millions (2020 census), by province code: who orders where.
_POPULATION = {
    "11": 21.9, "12": 13.9, "13": 74.6, "14": 34.9, "15": 24.0, "21": 42.6, "22": 24.1,
    "23": 31.9, "31": 24.9, "32": 84.7, "33": 64.6, "34": 61.0, "35": 41.5, "36": 45.2,
    "37": 101.5, "41": 99.4, "42": 57.8, "43": 66.4, "44": 126.0, "45": 50.1, "46": 10.1,
    "50": 32.1, "51": 83.7, "52": 38.6, "53": 47.2, "54": 3.6, "61": 39.5, "62": 25.0,
    "63": 5.9, "64": 7.2, "65": 25.9,
}  # fmt: skip
# City-level rows that are placeholders, not names written in an address.
_PLACEHOLDER_CITIES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True, slots=True)
class Geography:
    """County-level units (districts) with their province, city and region."""

    adcode: np.ndarray  # 6-digit codes, str
    prefix: pa.Array  # "省 + 市 + 区" as written in an address
    region: np.ndarray  # index into REGIONS
    weight: np.ndarray  # share of buyers living there
    streets: tuple[str, ...]
    communities: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.adcode)


def _read_table() -> dict[str, str]:
    text = files("cpca.resources").joinpath("adcodes.csv").read_text(encoding="utf-8")
    return {row["adcode"][:6]: row["name"] for row in csv.DictReader(io.StringIO(text))}


@cache
def geography() -> Geography:
    """The mainland's county-level units, ordered by adcode (so neighbours are adjacent)."""
    names = _read_table()
    units: list[tuple[str, str]] = []  # (adcode, written prefix)
    with_counties = {c[:4] for c in names if not c.endswith("00")}
    for code in sorted(names):
        prov = code[:2]
        if prov not in _POPULATION or code.endswith("0000"):
            continue
        province = names[prov + "0000"]
        if code.endswith("00"):  # a city; a unit itself only if it has no counties
            if code[:4] in with_counties:
                continue
            units.append((code, province + names[code]))
            continue
        city = names.get(code[:4] + "00", "")
        city = "" if city in _PLACEHOLDER_CITIES or city == province else city
        units.append((code, province + city + names[code]))
    codes = np.array([u[0] for u in units])
    prov_codes = np.array([c[:2] for c in codes])
    urban = np.array([u[1].endswith("区") for u in units])
    weight = np.where(urban, 2.0, 1.0)
    for prov, pop in _POPULATION.items():
        sel = prov_codes == prov
        weight[sel] *= pop / weight[sel].sum()
    short = {n.removesuffix("市").removesuffix("省") for n in names.values() if len(n) > 2}
    short |= set(names.values())

    def clean(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(w for w in words if not any(s in w for s in short if len(s) >= 2))

    return Geography(
        adcode=codes,
        prefix=pa.array([u[1] for u in units], pa.string()),
        region=np.array([_REGION_OF[p] for p in prov_codes], dtype=np.int64),
        weight=weight,
        streets=clean(lines("streets.txt")),
        communities=clean(lines("communities.txt")),
    )


def districts_of(keys: np.ndarray, key_salt: int) -> np.ndarray:
    """A district (index into :func:`geography`) per key, by population."""
    return hashing.pick(keys, key_salt, geography().weight)


def addresses(keys: np.ndarray, district: np.ndarray, key_salt: int) -> pa.Array:
    """A full street address per key in the given districts."""
    geo = geography()
    n_streets = len(geo.streets)
    street = hashing.below(keys, key_salt + 1, n_streets * 7)
    suffix = ("路", "街", "大道", "东路", "西路", "南路", "北路")

    def num(s: int, lo: int, hi: int) -> pa.Array:
        return pa.array(lo + hashing.below(keys, key_salt + s, hi - lo)).cast(pa.string())

    floor = hashing.below(keys, key_salt + 6, 30) + 1
    room = floor * 100 + hashing.below(keys, key_salt + 7, 4) + 1
    return join(
        take(geo.prefix, district),
        take(list(geo.streets), street % n_streets),
        take(list(suffix), street // n_streets),
        num(2, 1, 999),
        "号",
        take(list(geo.communities), hashing.below(keys, key_salt + 3, len(geo.communities))),
        num(4, 1, 30),
        "栋",
        num(5, 1, 6),
        "单元",
        pa.array(room).cast(pa.string()),
        "室",
    )


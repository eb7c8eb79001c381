"""People: Chinese names, mainland mobile numbers, IP addresses and device ids.

Everything is keyed (see :mod:`ordermoat.simulate.hashing`): the same key and salt give the
same person.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from ordermoat.simulate import hashing
from ordermoat.simulate.columns import join, take
from ordermoat.simulate.vocab import weighted

__all__ = ["names", "mobiles", "virtual_mobiles", "ips", "device_ids", "MOBILE_PREFIXES"]

#: Mainland mobile prefixes of the three big operators with rough shares of subscribers.
MOBILE_PREFIXES: dict[int, float] = {
    **dict.fromkeys((134, 135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 182, 183, 187, 188), 4.0),
    **dict.fromkeys((130, 131, 132, 155, 156, 185, 186, 176), 3.0),
    **dict.fromkeys((133, 153, 180, 181, 189, 177, 173, 199), 2.5),
    **dict.fromkeys((147, 178, 198, 195, 184, 166, 191, 175, 145, 172, 193, 196, 197, 190, 192), 1.0),
}
#: Virtual-operator ranges (170/171/162/165/167), popular with scam callers.
VIRTUAL_PREFIXES: tuple[int, ...] = (170, 171, 162, 165, 167)


@cache
def _name_parts() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    surnames, s_w = weighted("surnames.tsv")
    given, g_w = weighted("given.tsv")
    return surnames, s_w, given, g_w


def names(keys: np.ndarray, key_salt: int) -> pa.Array:
    """A Chinese full name per key: a surname by frequency and one or two given characters."""
    surnames, s_w, given, g_w = _name_parts()
    first = take(given, hashing.pick(keys, key_salt + 1, g_w))
    second = take([*given, ""], hashing.pick(keys, key_salt + 2, np.append(g_w, g_w.sum() * 0.45)))
    return join(take(surnames, hashing.pick(keys, key_salt, s_w)), first, second)


def mobiles(keys: np.ndarray, key_salt: int) -> pa.Array:
    """A valid 11-digit mainland mobile number per key."""
    prefixes = np.array(list(MOBILE_PREFIXES), dtype=np.int64)
    p = prefixes[hashing.pick(keys, key_salt, np.array(list(MOBILE_PREFIXES.values())))]
    return pa.array(p * 100_000_000 + hashing.below(keys, key_salt + 1, 100_000_000)).cast(pa.string())


def virtual_mobiles(keys: np.ndarray, key_salt: int) -> pa.Array:
    """A number on a virtual operator's range per key (what scam callers tend to use)."""
    p = np.array(VIRTUAL_PREFIXES, dtype=np.int64)[hashing.below(keys, key_salt, len(VIRTUAL_PREFIXES))]
    return pa.array(p * 100_000_000 + hashing.below(keys, key_salt + 1, 100_000_000)).cast(pa.string())


# First octets of ranges announced by Chinese operators (broadband and mobile).
_HOME_OCTETS = np.array([36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116,
                         117, 118, 119, 120, 121, 122, 123, 124, 125, 171, 175, 180, 182, 183,
                         211, 218, 219, 220, 221, 222, 223])  # fmt: skip
_CLOUD_OCTETS = np.array([39, 47, 101, 106, 118, 119, 121, 139])


def ips(keys: np.ndarray, key_salt: int, *, cloud: bool = False) -> pa.Array:
    """An IPv4 address per key, from home/mobile ranges or (``cloud``) data-centre ranges."""
    octets = _CLOUD_OCTETS if cloud else _HOME_OCTETS
    parts = [pa.array(octets[hashing.below(keys, key_salt, len(octets))]).cast(pa.string())]
    for i in (1, 2, 3):
        parts += [".", pa.array(hashing.below(keys, key_salt + i, 254) + 1).cast(pa.string())]
    return join(*parts)


def device_ids(keys: np.ndarray, key_salt: int) -> pa.Array:
    """A 16-hex-digit device fingerprint per key."""
    raw = hashing.mix(keys, key_salt).astype(">u8").view(np.uint8).reshape(-1, 8)
    hexchars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.empty((len(raw), 16), dtype=np.uint8)
    out[:, 0::2] = hexchars[raw >> 4]
    out[:, 1::2] = hexchars[raw & 15]
    return pa.array(out.view("S16").ravel()).cast(pa.string())

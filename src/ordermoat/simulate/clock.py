"""Simulated time: the 60-day window, China Standard Time, working hours and order rhythm.

All times are epoch seconds (``int64``); local hours are CST (UTC+8).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "START",
    "DAYS",
    "END",
    "DAY",
    "HOUR",
    "CST",
    "seconds_of_day",
    "day_index",
    "midnight",
    "order_times",
    "into_hours",
    "at_hours",
]

DAY = 86_400
HOUR = 3_600
CST = 8 * HOUR
#: 2024-03-01 00:00:00 +08:00, the start of the simulated period.
START = 1_709_222_400
DAYS = 60
#: The end of the period: the data is a snapshot taken then; nothing happens after it.
END = START + DAYS * DAY

# Relative order intensity per local hour: quiet nights, lunch and evening peaks.
_HOURLY = np.array(
    [3.0, 1.8, 1.0, 0.6, 0.5, 0.6, 1.2, 2.5, 4.0, 5.5, 6.5, 6.8,
     6.0, 5.8, 6.3, 6.5, 6.0, 5.5, 5.6, 6.5, 8.0, 9.0, 8.5, 5.5]
)  # fmt: skip
_PROMO_DAYS = {17: 2.5, 18: 1.6, 47: 3.0}  # sale days (day index -> multiplier)


def seconds_of_day(t: np.ndarray) -> np.ndarray:
    """Local (CST) seconds since midnight."""
    return (t + CST) % DAY


def day_index(t: np.ndarray) -> np.ndarray:
    """Local day number since :data:`START`."""
    return (t - START) // DAY


def midnight(t: np.ndarray) -> np.ndarray:
    """Local midnight on or before ``t``."""
    return t - seconds_of_day(t)


def _order_cdf() -> tuple[np.ndarray, np.ndarray]:
    minutes = np.arange(DAYS * 24 * 60)
    hour = (minutes // 60) % 24
    day = minutes // (24 * 60)
    weekday = (day + 4) % 7  # 2024-03-01 was a Friday (Mon=0)
    rate = _HOURLY[hour] * np.where(weekday >= 5, 1.15, 1.0) * (1.0 + 0.004 * day)
    for d, factor in _PROMO_DAYS.items():
        rate[day == d] *= factor
    cdf = np.concatenate([[0.0], np.cumsum(rate)])
    return cdf / cdf[-1], START + np.arange(len(cdf)) * 60.0


_CDF, _EDGES = _order_cdf()


def order_times(index: np.ndarray, total: int, jitter: np.ndarray) -> np.ndarray:
    """Creation times of orders ``index`` out of ``total``: sorted, following the rhythm.

    Stratified inverse-CDF sampling: order ``i`` falls at quantile ``(i + jitter) / total``,
    so times are increasing in the order number and need nothing but the index.
    """
    q = (index + jitter) / total
    return np.interp(q, _CDF, _EDGES).astype(np.int64)


def into_hours(t: np.ndarray, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """``t`` if it falls within local hours ``[lo, hi)``, else a time in the next such span."""
    sod = seconds_of_day(t)
    inside = (sod >= lo * HOUR) & (sod < hi * HOUR)
    base = midnight(t) + np.where(sod < lo * HOUR, 0, DAY)
    moved = base + (lo * HOUR + u * (hi - lo) * HOUR).astype(np.int64)
    return np.where(inside, t, moved)


def at_hours(day_start: np.ndarray, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """A time on the day starting at ``day_start`` within local hours ``[lo, hi)``."""
    return day_start + (lo * HOUR + u * (hi - lo) * HOUR).astype(np.int64)

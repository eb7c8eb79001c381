"""Group scam reports into campaigns: one crew, one script, one set of phones and accounts.

Two reports are linked when they share a caller number, or a payee account, or when their
transcripts are near-duplicates (cosine of character 2-3-gram TF-IDF >= ``similarity``,
contacts at most ``window_days`` apart) *and* one more weak cue agrees: a loan platform
named in both, or contacts at most ``near_days`` apart. A loan platform alone never links:
every refund scam names the same few. Campaigns are the connected components.

Mind the IDF: the more reports a crew files under one script, the more common (and the
lower weighted) that script's n-grams become, while per-victim details (names, amounts)
stay rare. A big campaign's members can then fall below ``similarity`` with each other;
shared numbers and accounts usually still join them. ``use_idf=False`` (plain TF cosine)
keeps big campaigns together but lets generic boilerplate weigh more: calibrate both the
threshold and this switch on labelled or simulated campaigns.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

__all__ = ["link_campaigns", "campaign_edges"]

_DAY_S = 86_400


def _key(values: pd.Series) -> pd.Series:
    """Normalise a phone number or account: drop spaces and hyphens; blanks are missing."""
    s = values.astype("string").str.replace(r"[\s\-]", "", regex=True)
    return s.mask(s.fillna("").eq(""))


def _shared_key_edges(values: pd.Series) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Chain the rows of each value: (r0, r1), (r1, r2), ... links a group with few edges."""
    key = _key(values).reset_index(drop=True).dropna()
    if key.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    codes, _ = pd.factorize(key, sort=False)
    rows = key.index.to_numpy(np.int64)
    order = np.lexsort((rows, codes))
    c, r = codes[order], rows[order]
    same = c[1:] == c[:-1]
    return r[:-1][same], r[1:][same]


def _seconds(values: pd.Series) -> NDArray[np.float64]:
    """Contact times as seconds since the epoch (NaN when missing), whatever the unit."""
    t = pd.to_datetime(values, utc=True, errors="coerce")
    d = (t - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return d.to_numpy(dtype=np.float64, na_value=np.nan)


def _platform_matrix(platforms: pd.Series) -> sp.csr_array:
    """Rows x distinct platforms, 1 where a report names the platform."""
    names: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, lst in enumerate(platforms):
        if isinstance(lst, str):
            lst = [lst]
        if not isinstance(lst, Iterable):
            continue
        for name in {str(x).strip() for x in lst if x is not None and str(x).strip()}:
            rows.append(i)
            cols.append(names.setdefault(name, len(names)))
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(platforms), max(len(names), 1)))


def _transcript_edges(
    reports: pd.DataFrame, similarity: float, window_days: float, near_days: float, block: int,
    use_idf: bool = True,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Similar scripts within the window that also share a platform or are close in time."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy: import on use

    text = reports["transcript"].astype("string").fillna("").str.strip()
    t = _seconds(reports["contacted_at"])
    idx = np.flatnonzero((text.str.len() >= 2).to_numpy() & ~np.isnan(t))
    if len(idx) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    secs = t[idx]
    order = np.argsort(secs, kind="stable")
    idx, secs = idx[order], secs[order]
    x = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, use_idf=use_idf
    ).fit_transform(
        text.iloc[idx].tolist()
    )
    x = sp.csr_array(x)  # rows are L2-normalised: the dot product is the cosine
    plat = _platform_matrix(reports["loan_platforms"].iloc[idx]) if "loan_platforms" in reports else None
    window, near = window_days * _DAY_S, near_days * _DAY_S
    src: list[NDArray[np.int64]] = []
    dst: list[NDArray[np.int64]] = []
    for lo in range(0, len(idx), block):
        hi = min(lo + block, len(idx))
        end = int(np.searchsorted(secs, secs[hi - 1] + window, side="right"))
        sim = sp.coo_array(x[lo:hi] @ x[lo:end].T)
        i, j = sim.row + lo, sim.col + lo
        dt = secs[j] - secs[i]
        keep = (j > i) & (sim.data >= similarity) & (dt <= window)
        i, j, dt = i[keep], j[keep], dt[keep]
        cue = dt <= near
        if plat is not None and len(i):
            cue |= np.asarray(plat[i].multiply(plat[j]).sum(axis=1)).ravel() > 0
        src.append(idx[i[cue]])
        dst.append(idx[j[cue]])
    return np.concatenate(src), np.concatenate(dst)


def campaign_edges(
    reports: pd.DataFrame,
    *,
    similarity: float = 0.6,
    window_days: float = 30.0,
    near_days: float = 7.0,
    block: int = 256,
    use_idf: bool = True,
) -> pd.DataFrame:
    """Every link found, as rows ``(a, b, reason)`` over row positions; for evidence lines."""
    frames = []
    for col in ("caller_number", "payee_account"):
        if col in reports:
            a, b = _shared_key_edges(reports[col])
            frames.append(pd.DataFrame({"a": a, "b": b, "reason": col}))
    if "transcript" in reports and "contacted_at" in reports:
        a, b = _transcript_edges(reports, similarity, window_days, near_days, block, use_idf)
        frames.append(pd.DataFrame({"a": a, "b": b, "reason": "transcript"}))
    if not frames:
        return pd.DataFrame({"a": [], "b": [], "reason": []})
    return pd.concat(frames, ignore_index=True).astype({"a": np.int64, "b": np.int64})


def link_campaigns(
    reports: pd.DataFrame,
    *,
    similarity: float = 0.6,
    window_days: float = 30.0,
    near_days: float = 7.0,
    block: int = 256,
    use_idf: bool = True,
) -> NDArray[np.str_]:
    """One campaign label per report row: ``"k1"``, ``"k2"``, ... by first contact.

    Labels are deterministic: campaigns are numbered in order of their earliest
    ``contacted_at`` (reports without a time count as last), ties by row position.

    >>> df = pd.DataFrame({"caller_number": ["110", "110", "120"], "payee_account": [None] * 3,
    ...                    "loan_platforms": [["jiebei"]] * 3, "transcript": ["", "", ""],
    ...                    "contacted_at": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03"])})
    >>> link_campaigns(df).tolist()
    ['k1', 'k1', 'k2']
    """
    n = len(reports)
    if n == 0:
        return np.empty(0, dtype="<U1")
    e = campaign_edges(
        reports, similarity=similarity, window_days=window_days, near_days=near_days,
        block=block, use_idf=use_idf,
    )
    g = sp.coo_array((np.ones(len(e)), (e["a"].to_numpy(), e["b"].to_numpy())), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    first = _seconds(reports["contacted_at"]) if "contacted_at" in reports else np.zeros(n)
    first = np.where(np.isnan(first), np.inf, first)
    order = np.lexsort((np.arange(n), first))  # rows by (time, position)
    rank = np.full(comp.max() + 1, -1, dtype=np.int64)
    seen = 0
    for c in comp[order]:
        if rank[c] < 0:
            rank[c] = seen = seen + 1
    return np.array([f"k{r}" for r in rank[comp]])

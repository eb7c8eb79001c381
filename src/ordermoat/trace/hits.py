"""The aggregated input of attribution: which subjects hit which reports.

A *subject* is whatever is being tested: an actor (account) or a party (a shop, a courier
company, an app vendor). The engine reduces the access logs to, per subject, the reports it
*hit* (it read the reported order, or one of them, before the scam contact, with fields
covering what the caller recited) and its total number of distinct orders read. Everything
downstream is small and lives here as a sparse subjects x reports matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

__all__ = ["SubjectHits"]


@dataclass(frozen=True, slots=True, eq=False)
class SubjectHits:
    """Hits of ``S`` subjects on ``n`` reports, with the null's ingredients.

    ``matrix`` is a boolean CSR array (subjects x reports). ``read_size[s]`` is ``|R_s|``,
    the distinct orders ``s`` read, and ``n_orders`` is ``N``, the order universe, so the
    global read share is ``q_s = |R_s| / N``. ``report_orders[r]`` is ``m_r``, how many
    orders report ``r`` may refer to (1 unless only a phone number with several orders was
    given). ``party_of[s]`` names the subject's party, or is ``None`` at party level.
    """

    subject_ids: NDArray[np.object_]
    matrix: sp.csr_array
    read_size: NDArray[np.int64]
    n_orders: int
    report_orders: NDArray[np.int64]
    party_of: NDArray[np.object_] | None = None

    def __post_init__(self) -> None:
        s, n = self.matrix.shape
        if len(self.subject_ids) != s or len(self.read_size) != s:
            raise ValueError("subject_ids, read_size and matrix rows must have one length")
        if len(self.report_orders) != n:
            raise ValueError("report_orders must have one entry per report")
        if self.party_of is not None and len(self.party_of) != s:
            raise ValueError("party_of must have one entry per subject")
        if np.any(self.report_orders < 1):
            raise ValueError("every report refers to at least one order (m_r >= 1)")
        if self.n_orders < 1 or np.any(self.read_size > self.n_orders):
            raise ValueError("read sizes must lie in [0, n_orders]")
        if np.any((self.hits > 0) & (self.read_size < 1)):
            raise ValueError("a subject with hits must have read at least one order")

    @classmethod
    def from_pairs(
        cls,
        subject_ids: Sequence[str],
        subject_idx: ArrayLike,
        report_idx: ArrayLike,
        *,
        read_size: ArrayLike,
        n_orders: int,
        n_reports: int | None = None,
        report_orders: ArrayLike | None = None,
        party_of: Sequence[str | None] | None = None,
    ) -> SubjectHits:
        """Build from (subject index, report index) pairs; duplicates count once."""
        si = np.asarray(subject_idx, dtype=np.int64)
        ri = np.asarray(report_idx, dtype=np.int64)
        if si.shape != ri.shape:
            raise ValueError("subject_idx and report_idx must have one length")
        if report_orders is not None:
            m = np.asarray(report_orders, dtype=np.int64)
            n = len(m) if n_reports is None else n_reports
        else:
            if n_reports is None:
                raise ValueError("give n_reports or report_orders")
            n, m = n_reports, np.ones(n_reports, dtype=np.int64)
        mat = sp.csr_array(
            (np.ones(len(si), dtype=bool), (si, ri)), shape=(len(subject_ids), n)
        )
        mat.sum_duplicates()
        mat.data[:] = True
        return cls.from_matrix(
            subject_ids, mat, read_size=read_size, n_orders=n_orders,
            report_orders=m, party_of=party_of,
        )

    @classmethod
    def from_matrix(
        cls,
        subject_ids: Sequence[str],
        matrix: ArrayLike | sp.sparray | sp.spmatrix,
        *,
        read_size: ArrayLike,
        n_orders: int,
        report_orders: ArrayLike | None = None,
        party_of: Sequence[str | None] | None = None,
    ) -> SubjectHits:
        """Build from a dense or sparse subjects x reports 0/1 matrix."""
        mat = sp.csr_array(matrix, dtype=bool)
        mat.eliminate_zeros()
        n = mat.shape[1]
        m = np.ones(n, np.int64) if report_orders is None else np.asarray(report_orders, np.int64)
        return cls(
            subject_ids=np.asarray(list(subject_ids), dtype=object),
            matrix=mat,
            read_size=np.asarray(read_size, dtype=np.int64),
            n_orders=int(n_orders),
            report_orders=m,
            party_of=None if party_of is None else np.asarray(list(party_of), dtype=object),
        )

    @property
    def n_subjects(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_reports(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def hits(self) -> NDArray[np.int64]:
        """``h_s``: how many reports each subject hit."""
        return np.diff(self.matrix.indptr).astype(np.int64)

    @property
    def share(self) -> NDArray[np.float64]:
        """``q_s = |R_s| / N``: the global read share."""
        return self.read_size / float(self.n_orders)

    def reports_of(self, subject: int) -> NDArray[np.int64]:
        """The report indices subject ``subject`` hit, ascending."""
        lo, hi = self.matrix.indptr[subject], self.matrix.indptr[subject + 1]
        return np.sort(self.matrix.indices[lo:hi]).astype(np.int64)

    def party(self, subject: int) -> str | None:
        if self.party_of is None:
            return str(self.subject_ids[subject])
        v = self.party_of[subject]
        return None if v is None else str(v)

"""Plain result types shared by the capabilities and the edges."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["IngestResult", "RejectedRow", "Suspect", "Case", "TraceResult"]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that failed validation: where it was and why."""

    line: int
    reason: str


@dataclass(slots=True)
class IngestResult:
    """What one ``ingest`` did."""

    kind: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    already_ingested: bool = False
    rejects_file: str | None = None
    rejected_sample: list[RejectedRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Suspect:
    """An actor (or party) that could have leaked a case's reports, with its figures."""

    actor_id: str | None
    party_id: str | None
    accused: bool
    hits: int
    expected: float
    p_value: float
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "party_id": self.party_id,
            "accused": self.accused,
            "hits": self.hits,
            "expected": round(self.expected, 4),
            "p_value": float(f"{self.p_value:.3g}"),
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class Case:
    """A group of reports with the sources that may explain them."""

    case_id: str
    report_ids: list[str]
    suspects: list[Suspect]
    exposed_orders: int
    party_suspects: list[Suspect] = field(default_factory=list)
    exposed_order_ids: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "report_ids": list(self.report_ids),
            "suspects": [s.to_dict() for s in self.suspects],
            "exposed_orders": self.exposed_orders,
            "party_suspects": [s.to_dict() for s in self.party_suspects],
            "campaigns": list(self.campaigns),
        }


@dataclass(slots=True)
class TraceResult:
    """The outcome of ``trace``: cases, unexplained reports and the bound in force."""

    cases: list[Case]
    unexplained_report_ids: list[str]
    alpha: float
    tests: int
    threshold: float
    campaigns: int = 0
    #: per report: the accounts that read its order before the contact, with the fields
    #: the caller recited (first reader first)
    report_candidates: dict[str, list[str]] = field(default_factory=dict)

    @property
    def accused(self) -> list[Suspect]:
        """Accused accounts, each once (an account can also be listed in other cases)."""
        seen: dict[str | None, Suspect] = {}
        for c in self.cases:
            for s in c.suspects:
                if s.accused and s.actor_id not in seen:
                    seen[s.actor_id] = s
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": [c.to_dict() for c in self.cases],
            "unexplained_report_ids": list(self.unexplained_report_ids),
            "report_candidates": {k: list(v) for k, v in self.report_candidates.items()},
            "bound": {
                "alpha": self.alpha,
                "tests": self.tests,
                "per_test_threshold": self.threshold,
            },
        }

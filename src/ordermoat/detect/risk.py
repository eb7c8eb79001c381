"""Risk per subject session: alerts of one subject in one hour, combined into a 0..1 score.

Scores combine as independent evidence, ``risk = 1 - prod(1 - score_i)``, so two medium
alerts outrank one; a session at or above :data:`STEP_UP` should be pushed to a second
verification (the published ISV integrations of platform data-security services step up
above 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["STEP_UP", "Session", "sessions"]

STEP_UP = 0.5


@dataclass(slots=True)
class Session:
    subject_type: str
    subject_id: str
    window_start: datetime
    window_end: datetime
    risk: float
    step_up: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "risk": round(self.risk, 4),
            "step_up": self.step_up,
            "reasons": list(self.reasons),
        }


def sessions(alerts: list[dict[str, Any]], step_up: float = STEP_UP) -> list[Session]:
    """Group alerts by subject and the hour they start in; highest risk first."""
    groups: dict[tuple[str, str, datetime], list[dict[str, Any]]] = {}
    for a in alerts:
        hour = a["window_start"].replace(minute=0, second=0, microsecond=0)
        groups.setdefault((a["subject_type"], a["subject_id"], hour), []).append(a)
    out = []
    for (stype, sid, hour), members in groups.items():
        keep = 1.0
        for a in members:
            keep *= 1.0 - min(1.0, max(0.0, float(a["score"])))
        risk = 1.0 - keep
        out.append(
            Session(
                stype, sid, hour, max(a["window_end"] for a in members), risk, risk >= step_up,
                [f"{a['kind']} ({a['score']:.2f}): {a['reason']}" for a in sorted(members, key=lambda a: -a["score"])],
            )
        )
    return sorted(out, key=lambda s: (-s.risk, s.subject_id, s.window_start))

"""Where alerts go besides the store: a SIEM file in Elastic Common Schema, a webhook.

Sinks are a small ABC with a fake for tests (:class:`MemorySink`), the way httpx ships a
``MockTransport``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from ordermoat._exceptions import UserError

__all__ = ["Sink", "EcsFileSink", "WebhookSink", "MemorySink", "to_ecs", "ECS_VERSION"]

ECS_VERSION = "8.11.0"
_CATEGORY = {"actor": ["database", "iam"], "account": ["authentication"], "ip": ["authentication", "network"]}


class Sink(ABC):
    @abstractmethod
    def send(self, alerts: list[dict[str, Any]]) -> None:
        """Deliver these alerts (already stored; a failed send loses nothing)."""


def to_ecs(alert: dict[str, Any]) -> dict[str, Any]:
    """One alert as an ECS document."""
    doc: dict[str, Any] = {
        "@timestamp": alert["window_end"].isoformat(),
        "ecs": {"version": ECS_VERSION},
        "message": alert["reason"],
        "event": {
            "kind": "alert",
            "id": alert["alert_id"],
            "action": alert["kind"],
            "category": _CATEGORY.get(alert["subject_type"], ["database"]),
            "risk_score": round(100 * float(alert["score"]), 1),
            "risk_score_norm": round(100 * float(alert["score"]), 1),
            "start": alert["window_start"].isoformat(),
            "end": alert["window_end"].isoformat(),
        },
        "rule": {"name": alert["kind"], "ruleset": "ordermoat"},
        "observer": {"product": "ordermoat", "type": "data-security"},
        "labels": {"subject_type": alert["subject_type"]},
    }
    if alert["subject_type"] == "ip":
        doc["source"] = {"ip": alert["subject_id"].split("/")[0]} if "/" not in alert["subject_id"] else {"address": alert["subject_id"]}
    else:
        doc["user"] = {"id": alert["subject_id"]}
    return doc


class EcsFileSink(Sink):
    """Append alerts to a JSON Lines file a SIEM agent (Filebeat, Elastic Agent) tails."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def send(self, alerts: list[dict[str, Any]]) -> None:
        try:
            with self.path.open("a", encoding="utf-8") as f:
                for a in alerts:
                    f.write(json.dumps(to_ecs(a), ensure_ascii=False) + "\n")
        except OSError as exc:
            raise UserError(f"cannot write {self.path}: {exc.strerror}") from None


class WebhookSink(Sink):
    """POST ``{"alerts": [...]}`` as JSON to a URL (the security contacts' endpoint)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"webhook URL must be http(s): {url!r}")
        self.url, self.timeout = url, timeout

    def send(self, alerts: list[dict[str, Any]]) -> None:
        if not alerts:
            return
        body = json.dumps({"alerts": [_plain(a) for a in alerts]}, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(self.url, data=body, method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - http(s) checked above
                if resp.status >= 300:
                    raise UserError(f"webhook answered HTTP {resp.status}; alerts are stored, re-send with detect --all")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise UserError(f"webhook not reachable ({exc.__class__.__name__}); alerts are stored, re-send with detect --all") from None


class MemorySink(Sink):
    """Keeps what it is sent: for tests and embedding."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, alerts: list[dict[str, Any]]) -> None:
        self.sent.extend(alerts)


def _plain(a: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in a.items()}

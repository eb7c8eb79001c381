"""During: in-flight detection over the event lake (reads of order data, logins)."""

from ordermoat.detect.base import ALERT_COLUMNS, ALERT_SCHEMA, DEFAULT_DETECTORS, Context, Detector, load_detectors, register_detector
from ordermoat.detect.risk import STEP_UP, Session, sessions
from ordermoat.detect.runner import DetectResult, alert_id, run_detect, stored_alerts
from ordermoat.detect.sinks import EcsFileSink, MemorySink, Sink, WebhookSink, to_ecs

__all__ = [
    "ALERT_COLUMNS",
    "ALERT_SCHEMA",
    "DEFAULT_DETECTORS",
    "Context",
    "Detector",
    "load_detectors",
    "register_detector",
    "STEP_UP",
    "Session",
    "sessions",
    "DetectResult",
    "alert_id",
    "run_detect",
    "stored_alerts",
    "EcsFileSink",
    "MemorySink",
    "Sink",
    "WebhookSink",
    "to_ecs",
]

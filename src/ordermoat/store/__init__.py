"""The operational store: actors, orders, reports, alerts and cases (SQLAlchemy Core)."""

from ordermoat.store.database import Store, sqlite_url
from ordermoat.store.schema import TABLE_OF_KIND, metadata

__all__ = ["Store", "sqlite_url", "metadata", "TABLE_OF_KIND"]

"""Alembic environment: the connection comes from the caller (``Store.migrate``)."""

from __future__ import annotations

from alembic import context

from ordermoat.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand
    raise RuntimeError("run migrations through ordermoat.store.Store.migrate()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

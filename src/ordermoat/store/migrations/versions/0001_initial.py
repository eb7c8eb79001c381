"""The initial schema.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from ordermoat.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The first revision creates the first tables from ``schema.py``. Every later change is an
# explicit migration of its own (0002 on), and must not alter these tables' definitions in
# ``schema.py`` without one; a test compares the migrated database with ``schema.metadata``.
INITIAL = ("actors", "orders", "reports", "ingest_files", "alerts", "trace_runs", "cases", "case_exposures")


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=[metadata.tables[name] for name in INITIAL])


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[name] for name in INITIAL])

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

# The first revision creates the tables as ``schema.py`` defines them today. Every later
# change is an explicit migration of its own; a test compares the migrated database with
# ``schema.metadata`` so the two cannot drift apart unnoticed.


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())

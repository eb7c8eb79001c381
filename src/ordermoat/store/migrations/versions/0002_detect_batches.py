"""Detect's watermark: which lake batches the detectors have processed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detect_batches",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("processed_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("detect_batches")

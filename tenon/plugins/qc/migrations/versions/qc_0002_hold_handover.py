"""qc holds handed over to another plugin's record (rework)

Revision ID: qc_0002
Revises: qc_0001
Create Date: 2026-12-01 23:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tenon.core.db

revision: str = 'qc_0002'
down_revision: str | Sequence[str] | None = 'qc_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('qc_hold') as batch:
        batch.add_column(sa.Column('handed_to_type', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('handed_to_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('ended_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('qc_hold') as batch:
        batch.drop_column('ended_at')
        batch.drop_column('handed_to_id')
        batch.drop_column('handed_to_type')

"""config versions and health reports

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-12-01 22:18:04.576161
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'core_0002'
down_revision: str | Sequence[str] | None = 'core_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('core_config_change',
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('editors', sa.JSON(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('submitted_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_config_change'))
    )
    with op.batch_alter_table('core_config_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_config_change_state'), ['state'], unique=False)

    op.create_table('core_config_version',
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=True),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('based_on', sa.Integer(), nullable=True),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_config_version')),
    sa.UniqueConstraint('number', name=op.f('uq_core_config_version_number'))
    )
    op.create_table('core_health_report',
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_health_report'))
    )
    with op.batch_alter_table('core_health_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_health_report_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('core_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('core_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')

    with op.batch_alter_table('core_health_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_health_report_created_at'))

    op.drop_table('core_health_report')
    op.drop_table('core_config_version')
    with op.batch_alter_table('core_config_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_config_change_state'))

    op.drop_table('core_config_change')

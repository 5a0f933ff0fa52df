"""initial

Revision ID: studio_0001
Revises: 
Create Date: 2026-12-01 22:25:06.216811
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db
from sqlalchemy.dialects import postgresql

revision: str = 'studio_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('studio',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('studio_field',
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_zh', sa.String(length=200), server_default='', nullable=False),
    sa.Column('label_en', sa.String(length=200), server_default='', nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('default', sa.JSON(), nullable=True),
    sa.Column('max_length', sa.Integer(), nullable=True),
    sa.Column('scale', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), server_default='', nullable=False),
    sa.Column('min_value', sa.String(length=40), nullable=True),
    sa.Column('max_value', sa.String(length=40), nullable=True),
    sa.Column('pattern', sa.String(length=200), server_default='', nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('ref_entity', sa.String(length=60), nullable=True),
    sa.Column('help_text', sa.Text(), server_default='', nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_field')),
    sa.UniqueConstraint('entity', 'code', name=op.f('uq_studio_field_entity_code'))
    )
    with op.batch_alter_table('studio_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_field_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_field_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_field_entity'), ['entity'], unique=False)

    op.create_table('studio_rule',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('event', sa.String(length=120), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=True),
    sa.Column('record_key', sa.String(length=60), nullable=True),
    sa.Column('condition', sa.Text(), server_default='', nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('broken', sa.String(length=500), server_default='', nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_studio_rule_code'))
    )
    with op.batch_alter_table('studio_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_rule_event'), ['event'], unique=False)

    op.create_table('studio_value',
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_value')),
    sa.UniqueConstraint('entity', 'record_id', name=op.f('uq_studio_value_entity_record_id'))
    )
    with op.batch_alter_table('studio_value', schema=None) as batch_op:
        batch_op.create_index('ix_studio_value_data', ['data'], unique=False, postgresql_using='gin', postgresql_ops={'data': 'jsonb_path_ops'})

    op.create_table('studio_rule_run',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=120), nullable=False),
    sa.Column('event_key', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['studio_rule.id'], name=op.f('fk_studio_rule_run_rule_id_studio_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_rule_run')),
    sa.UniqueConstraint('rule_id', 'event_key', name=op.f('uq_studio_rule_run_rule_id_event_key'))
    )
    with op.batch_alter_table('studio_rule_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_rule_run_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_rule_run_rule_id'), ['rule_id'], unique=False)

    op.create_table('studio_sla_clock',
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('assigned_to', sa.String(length=100), nullable=True),
    sa.Column('stop', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=200), server_default='', nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('started_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalations', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['studio_rule.id'], name=op.f('fk_studio_sla_clock_rule_id_studio_rule'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_sla_clock')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_studio_sla_clock_dedupe_key'))
    )
    with op.batch_alter_table('studio_sla_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_sla_clock_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_sla_clock_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_sla_clock_state'), ['state'], unique=False)

    op.create_table('studio_task',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('assigned_to', sa.String(length=100), nullable=True),
    sa.Column('due_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('entity', sa.String(length=60), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['studio_rule.id'], name=op.f('fk_studio_task_rule_id_studio_rule'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_task')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_studio_task_dedupe_key'))
    )
    with op.batch_alter_table('studio_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_task_assigned_to'), ['assigned_to'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('studio_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_task_assigned_to'))

    op.drop_table('studio_task')
    with op.batch_alter_table('studio_sla_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_sla_clock_state'))
        batch_op.drop_index(batch_op.f('ix_studio_sla_clock_rule_id'))
        batch_op.drop_index(batch_op.f('ix_studio_sla_clock_due_at'))

    op.drop_table('studio_sla_clock')
    with op.batch_alter_table('studio_rule_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_rule_run_rule_id'))
        batch_op.drop_index(batch_op.f('ix_studio_rule_run_outcome'))

    op.drop_table('studio_rule_run')
    with op.batch_alter_table('studio_value', schema=None) as batch_op:
        batch_op.drop_index('ix_studio_value_data', postgresql_using='gin', postgresql_ops={'data': 'jsonb_path_ops'})

    op.drop_table('studio_value')
    with op.batch_alter_table('studio_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_rule_event'))

    op.drop_table('studio_rule')
    with op.batch_alter_table('studio_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_field_entity'))
        batch_op.drop_index(batch_op.f('ix_studio_field_category_id'))
        batch_op.drop_index(batch_op.f('ix_studio_field_active'))

    op.drop_table('studio_field')

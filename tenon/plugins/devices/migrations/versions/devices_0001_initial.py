"""initial

Revision ID: devices_0001
Revises: 
Create Date: 2026-12-01 22:22:39.982069
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'devices_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('devices',)
depends_on: str | Sequence[str] | None = 'stock_0001'


def upgrade() -> None:
    op.create_table('devices_device',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('work_center_code', sa.String(length=40), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=255), nullable=True),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=100), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('heartbeat_seconds', sa.Integer(), nullable=False),
    sa.Column('print_attempts', sa.Integer(), nullable=False),
    sa.Column('health', sa.String(length=20), nullable=False),
    sa.Column('last_seen_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('messages_accepted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('messages_rejected', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_message_error', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_devices_device_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices_device')),
    sa.UniqueConstraint('code', name=op.f('uq_devices_device_code')),
    sa.UniqueConstraint('username', name=op.f('uq_devices_device_username'))
    )
    with op.batch_alter_table('devices_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_device_health'), ['health'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_device_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_device_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_device_topic'), ['topic'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_device_work_center_code'), ['work_center_code'], unique=False)

    op.create_table('devices_print_job',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('label_value', sa.String(length=200), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('zpl', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices_device.id'], name=op.f('fk_devices_print_job_device_id_devices_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices_print_job'))
    )
    with op.batch_alter_table('devices_print_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_print_job_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_print_job_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('devices_print_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_print_job_state'))
        batch_op.drop_index(batch_op.f('ix_devices_print_job_device_id'))

    op.drop_table('devices_print_job')
    with op.batch_alter_table('devices_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_device_work_center_code'))
        batch_op.drop_index(batch_op.f('ix_devices_device_topic'))
        batch_op.drop_index(batch_op.f('ix_devices_device_location_id'))
        batch_op.drop_index(batch_op.f('ix_devices_device_kind'))
        batch_op.drop_index(batch_op.f('ix_devices_device_health'))

    op.drop_table('devices_device')

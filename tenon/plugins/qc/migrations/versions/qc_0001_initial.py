"""initial

Revision ID: qc_0001
Revises: 
Create Date: 2026-12-01 22:37:18.898175
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'qc_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('qc',)
depends_on: str | Sequence[str] | None = 'stock_0001'


def upgrade() -> None:
    op.create_table('qc_plan',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('blocks_next', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('inspector_username', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("stage IN ('receipt','in_process','final')", name=op.f('ck_qc_plan_stage')),
    sa.CheckConstraint('product_id IS NOT NULL OR category_id IS NOT NULL', name=op.f('ck_qc_plan_target')),
    sa.ForeignKeyConstraint(['category_id'], ['stock_category.id'], name=op.f('fk_qc_plan_category_id_stock_category')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_qc_plan_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_plan')),
    sa.UniqueConstraint('code', name=op.f('uq_qc_plan_code'))
    )
    with op.batch_alter_table('qc_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_plan_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_plan_operation_id'), ['operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_plan_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_plan_stage'), ['stage'], unique=False)

    op.create_table('qc_plan_version',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('sampling_method', sa.String(length=12), nullable=False),
    sa.Column('sampling_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("sampling_method IN ('all','first_n','every_nth','percent')", name=op.f('ck_qc_plan_version_sampling')),
    sa.ForeignKeyConstraint(['plan_id'], ['qc_plan.id'], name=op.f('fk_qc_plan_version_plan_id_qc_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_plan_version')),
    sa.UniqueConstraint('plan_id', 'version_no', name=op.f('uq_qc_plan_version_plan_id_version_no'))
    )
    with op.batch_alter_table('qc_plan_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_plan_version_plan_id'), ['plan_id'], unique=False)

    op.create_table('qc_check_item',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('nominal', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('lower_tolerance', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('upper_tolerance', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('unit', sa.String(length=20), server_default='', nullable=False),
    sa.Column('decimals', sa.Integer(), server_default='2', nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('measurement','pass_fail','text')", name=op.f('ck_qc_check_item_kind')),
    sa.ForeignKeyConstraint(['version_id'], ['qc_plan_version.id'], name=op.f('fk_qc_check_item_version_id_qc_plan_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_check_item')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_qc_check_item_version_id_code'))
    )
    with op.batch_alter_table('qc_check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_check_item_version_id'), ['version_id'], unique=False)

    op.create_table('qc_inspection',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('plan_version_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('library_operation_id', sa.Integer(), nullable=True),
    sa.Column('work_center_id', sa.Integer(), nullable=True),
    sa.Column('held_operation_id', sa.Integer(), nullable=True),
    sa.Column('reinspection', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('quarantined', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('inspector', sa.String(length=100), nullable=True),
    sa.Column('decided_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("stage IN ('receipt','in_process','final')", name=op.f('ck_qc_inspection_stage')),
    sa.CheckConstraint("state IN ('open','passed','failed')", name=op.f('ck_qc_inspection_state')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_qc_inspection_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_qc_inspection_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['plan_id'], ['qc_plan.id'], name=op.f('fk_qc_inspection_plan_id_qc_plan')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['qc_plan_version.id'], name=op.f('fk_qc_inspection_plan_version_id_qc_plan_version')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_qc_inspection_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_inspection')),
    sa.UniqueConstraint('number', name=op.f('uq_qc_inspection_number'))
    )
    with op.batch_alter_table('qc_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_inspection_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_library_operation_id'), ['library_operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_operation_id'), ['operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_origin_id'), ['origin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_plan_version_id'), ['plan_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_work_center_id'), ['work_center_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('qc_hold',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['qc_inspection.id'], name=op.f('fk_qc_hold_inspection_id_qc_inspection')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_qc_hold_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_qc_hold_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_qc_hold_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_hold'))
    )
    with op.batch_alter_table('qc_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_hold_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_hold_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_hold_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_hold_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_hold_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('qc_inspection_result',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('check_item_id', sa.Integer(), nullable=False),
    sa.Column('sample_no', sa.Integer(), nullable=False),
    sa.Column('measured', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['check_item_id'], ['qc_check_item.id'], name=op.f('fk_qc_inspection_result_check_item_id_qc_check_item')),
    sa.ForeignKeyConstraint(['inspection_id'], ['qc_inspection.id'], name=op.f('fk_qc_inspection_result_inspection_id_qc_inspection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_inspection_result')),
    sa.UniqueConstraint('inspection_id', 'check_item_id', 'sample_no', name=op.f('uq_qc_inspection_result_inspection_id_check_item_id_sample_no'))
    )
    with op.batch_alter_table('qc_inspection_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_inspection_result_check_item_id'), ['check_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_inspection_result_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('qc_nonconformance',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=14), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('opened_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disposition', sa.String(length=12), nullable=True),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('disposed_by', sa.String(length=100), nullable=True),
    sa.Column('disposed_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("state IN ('open','dispositioned','closed')", name=op.f('ck_qc_nonconformance_state')),
    sa.ForeignKeyConstraint(['inspection_id'], ['qc_inspection.id'], name=op.f('fk_qc_nonconformance_inspection_id_qc_inspection')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_qc_nonconformance_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_qc_nonconformance_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qc_nonconformance')),
    sa.UniqueConstraint('number', name=op.f('uq_qc_nonconformance_number'))
    )
    with op.batch_alter_table('qc_nonconformance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qc_nonconformance_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_nonconformance_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_nonconformance_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qc_nonconformance_state'), ['state'], unique=False)



def downgrade() -> None:
    # (the mrp operations qc holds are released before this, by qc's tenon_plugin_uninstalling)
    with op.batch_alter_table('qc_nonconformance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_nonconformance_state'))
        batch_op.drop_index(batch_op.f('ix_qc_nonconformance_product_id'))
        batch_op.drop_index(batch_op.f('ix_qc_nonconformance_opened_at'))
        batch_op.drop_index(batch_op.f('ix_qc_nonconformance_inspection_id'))

    op.drop_table('qc_nonconformance')
    with op.batch_alter_table('qc_inspection_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_inspection_result_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_result_check_item_id'))

    op.drop_table('qc_inspection_result')
    with op.batch_alter_table('qc_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_hold_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_qc_hold_state'))
        batch_op.drop_index(batch_op.f('ix_qc_hold_product_id'))
        batch_op.drop_index(batch_op.f('ix_qc_hold_lot_id'))
        batch_op.drop_index(batch_op.f('ix_qc_hold_inspection_id'))

    op.drop_table('qc_hold')
    with op.batch_alter_table('qc_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_inspection_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_work_center_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_state'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_stage'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_product_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_plan_version_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_plan_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_origin_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_operation_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_lot_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_library_operation_id'))
        batch_op.drop_index(batch_op.f('ix_qc_inspection_decided_at'))

    op.drop_table('qc_inspection')
    with op.batch_alter_table('qc_check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_check_item_version_id'))

    op.drop_table('qc_check_item')
    with op.batch_alter_table('qc_plan_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_plan_version_plan_id'))

    op.drop_table('qc_plan_version')
    with op.batch_alter_table('qc_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qc_plan_stage'))
        batch_op.drop_index(batch_op.f('ix_qc_plan_product_id'))
        batch_op.drop_index(batch_op.f('ix_qc_plan_operation_id'))
        batch_op.drop_index(batch_op.f('ix_qc_plan_category_id'))

    op.drop_table('qc_plan')

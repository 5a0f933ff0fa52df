"""initial

Revision ID: rework_0001
Revises: 
Create Date: 2026-12-01 22:25:27.871682
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'rework_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('rework',)
depends_on: str | Sequence[str] | None = ['mrp_0001', 'qc_0001']


def upgrade() -> None:
    op.create_table('rework_cause',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rework_cause')),
    sa.UniqueConstraint('code', name=op.f('uq_rework_cause_code'))
    )
    op.create_table('rework_order',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('original_work_order_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('nonconformance_id', sa.Integer(), nullable=True),
    sa.Column('sales_order_id', sa.Integer(), nullable=True),
    sa.Column('sales_order_line_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=32), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('responsible_operation_id', sa.Integer(), nullable=True),
    sa.Column('responsible_work_center_id', sa.Integer(), nullable=True),
    sa.Column('responsible_operator', sa.String(length=100), nullable=True),
    sa.Column('responsible_supplier_lot_id', sa.Integer(), nullable=True),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('operation_ids', sa.JSON(), nullable=True),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('requisition_id', sa.Integer(), nullable=True),
    sa.Column('reinspection_id', sa.Integer(), nullable=True),
    sa.Column('passed_quantity', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('released_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('passed_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("source IN ('nonconformance','work_order','lot','customer_return')", name=op.f('ck_rework_order_source')),
    sa.CheckConstraint("state IN ('open','in_rework','passed','failed','done','cancelled')", name=op.f('ck_rework_order_state')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_rework_order_quantity_positive')),
    sa.ForeignKeyConstraint(['cause_id'], ['rework_cause.id'], name=op.f('fk_rework_order_cause_id_rework_cause')),
    sa.ForeignKeyConstraint(['inspection_id'], ['qc_inspection.id'], name=op.f('fk_rework_order_inspection_id_qc_inspection')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_rework_order_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_rework_order_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['nonconformance_id'], ['qc_nonconformance.id'], name=op.f('fk_rework_order_nonconformance_id_qc_nonconformance')),
    sa.ForeignKeyConstraint(['original_work_order_id'], ['mrp_work_order.id'], name=op.f('fk_rework_order_original_work_order_id_mrp_work_order')),
    sa.ForeignKeyConstraint(['parent_id'], ['rework_order.id'], name=op.f('fk_rework_order_parent_id_rework_order')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_rework_order_product_id_stock_product')),
    sa.ForeignKeyConstraint(['reinspection_id'], ['qc_inspection.id'], name=op.f('fk_rework_order_reinspection_id_qc_inspection')),
    sa.ForeignKeyConstraint(['requisition_id'], ['stock_requisition.id'], name=op.f('fk_rework_order_requisition_id_stock_requisition')),
    sa.ForeignKeyConstraint(['responsible_operation_id'], ['mrp_operation.id'], name=op.f('fk_rework_order_responsible_operation_id_mrp_operation')),
    sa.ForeignKeyConstraint(['responsible_supplier_lot_id'], ['stock_lot.id'], name=op.f('fk_rework_order_responsible_supplier_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['responsible_work_center_id'], ['mrp_work_center.id'], name=op.f('fk_rework_order_responsible_work_center_id_mrp_work_center')),
    sa.ForeignKeyConstraint(['work_order_id'], ['mrp_work_order.id'], name=op.f('fk_rework_order_work_order_id_mrp_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rework_order')),
    sa.UniqueConstraint('number', name=op.f('uq_rework_order_number'))
    )
    with op.batch_alter_table('rework_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rework_order_cause_id'), ['cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_nonconformance_id'), ['nonconformance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_original_work_order_id'), ['original_work_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_responsible_operation_id'), ['responsible_operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_responsible_operator'), ['responsible_operator'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_responsible_work_center_id'), ['responsible_work_center_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_sales_order_id'), ['sales_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_sales_order_line_id'), ['sales_order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_order_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('rework_material',
    sa.Column('rework_order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_rework_material_quantity_positive')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_rework_material_unit_cost_nonnegative')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_rework_material_product_id_stock_product')),
    sa.ForeignKeyConstraint(['rework_order_id'], ['rework_order.id'], name=op.f('fk_rework_material_rework_order_id_rework_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rework_material'))
    )
    with op.batch_alter_table('rework_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rework_material_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rework_material_rework_order_id'), ['rework_order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rework_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rework_material_rework_order_id'))
        batch_op.drop_index(batch_op.f('ix_rework_material_product_id'))

    op.drop_table('rework_material')
    with op.batch_alter_table('rework_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rework_order_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_state'))
        batch_op.drop_index(batch_op.f('ix_rework_order_source'))
        batch_op.drop_index(batch_op.f('ix_rework_order_sales_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_sales_order_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_responsible_work_center_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_responsible_operator'))
        batch_op.drop_index(batch_op.f('ix_rework_order_responsible_operation_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_region_code'))
        batch_op.drop_index(batch_op.f('ix_rework_order_product_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_parent_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_original_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_nonconformance_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_lot_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_rework_order_cause_id'))

    op.drop_table('rework_order')
    op.drop_table('rework_cause')

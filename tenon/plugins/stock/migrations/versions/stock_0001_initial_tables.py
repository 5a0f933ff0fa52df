"""stock tables, default units of measure, the main warehouse and the virtual locations

Revision ID: stock_0001
Revises: 
Create Date: 2026-11-24 06:34:59.953354
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'stock_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('stock',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stock_category',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['stock_category.id'], name=op.f('fk_stock_category_parent_id_stock_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_category')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_category_code'))
    )
    with op.batch_alter_table('stock_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_category_parent_id'), ['parent_id'], unique=False)

    op.create_table('stock_uom',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('decimals', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_uom')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_uom_code'))
    )
    op.create_table('stock_warehouse',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_warehouse')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_warehouse_code'))
    )
    op.create_table('stock_location',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('internal','supplier','customer','production','inventory_loss','view')", name=op.f('ck_stock_location_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['stock_location.id'], name=op.f('fk_stock_location_parent_id_stock_location')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['stock_warehouse.id'], name=op.f('fk_stock_location_warehouse_id_stock_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_location')),
    sa.UniqueConstraint('barcode', name=op.f('uq_stock_location_barcode')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_location_code'))
    )
    with op.batch_alter_table('stock_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_location_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_location_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_location_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('stock_product',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('tracking', sa.String(length=10), nullable=False),
    sa.Column('reorder_point', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('raw_material','semi_finished','finished','consumable')", name=op.f('ck_stock_product_kind')),
    sa.CheckConstraint("tracking IN ('none','lot','serial')", name=op.f('ck_stock_product_tracking')),
    sa.ForeignKeyConstraint(['category_id'], ['stock_category.id'], name=op.f('fk_stock_product_category_id_stock_category')),
    sa.ForeignKeyConstraint(['unit'], ['stock_uom.code'], name=op.f('fk_stock_product_unit_stock_uom')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_product')),
    sa.UniqueConstraint('barcode', name=op.f('uq_stock_product_barcode')),
    sa.UniqueConstraint('code', name=op.f('uq_stock_product_code'))
    )
    with op.batch_alter_table('stock_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_product_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_product_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_product_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_product_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_product_unit'), ['unit'], unique=False)

    op.create_table('stock_count',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('done_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_stock_count_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_count_number'))
    )
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_count_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_state'), ['state'], unique=False)

    op.create_table('stock_lot',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('expires_on', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_lot_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_lot')),
    sa.UniqueConstraint('barcode', name=op.f('uq_stock_lot_barcode')),
    sa.UniqueConstraint('product_id', 'code', name=op.f('uq_stock_lot_product_id_code'))
    )
    with op.batch_alter_table('stock_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_lot_product_id'), ['product_id'], unique=False)

    op.create_table('stock_receipt',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('supplier', sa.String(length=200), server_default='', nullable=False),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('done_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_stock_receipt_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_receipt')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_receipt_number'))
    )
    with op.batch_alter_table('stock_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_receipt_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_receipt_state'), ['state'], unique=False)

    op.create_table('stock_requisition',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['stock_location.id'], name=op.f('fk_stock_requisition_from_location_id_stock_location')),
    sa.ForeignKeyConstraint(['to_location_id'], ['stock_location.id'], name=op.f('fk_stock_requisition_to_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_requisition')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_requisition_number'))
    )
    with op.batch_alter_table('stock_requisition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_requisition_from_location_id'), ['from_location_id'], unique=False)
        batch_op.create_index('ix_stock_requisition_origin', ['origin_type', 'origin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_requisition_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_requisition_to_location_id'), ['to_location_id'], unique=False)

    op.create_table('stock_shipment',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=False),
    sa.Column('origin_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('done_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['stock_location.id'], name=op.f('fk_stock_shipment_from_location_id_stock_location')),
    sa.ForeignKeyConstraint(['to_location_id'], ['stock_location.id'], name=op.f('fk_stock_shipment_to_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_shipment')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_shipment_number'))
    )
    with op.batch_alter_table('stock_shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_shipment_from_location_id'), ['from_location_id'], unique=False)
        batch_op.create_index('ix_stock_shipment_origin', ['origin_type', 'origin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_shipment_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_shipment_to_location_id'), ['to_location_id'], unique=False)

    op.create_table('stock_transfer',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('done_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['stock_location.id'], name=op.f('fk_stock_transfer_from_location_id_stock_location')),
    sa.ForeignKeyConstraint(['to_location_id'], ['stock_location.id'], name=op.f('fk_stock_transfer_to_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfer')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_transfer_number'))
    )
    with op.batch_alter_table('stock_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_transfer_from_location_id'), ['from_location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_transfer_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_transfer_to_location_id'), ['to_location_id'], unique=False)

    op.create_table('stock_balance',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('lot_key', sa.Integer(), server_default='0', nullable=False),
    sa.Column('internal', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('reserved', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('NOT internal OR (quantity >= 0 AND quantity >= reserved)', name=op.f('ck_stock_balance_internal_covered')),
    sa.CheckConstraint('reserved >= 0', name=op.f('ck_stock_balance_reserved_nonnegative')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_stock_balance_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_balance_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_balance_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_balance')),
    sa.UniqueConstraint('product_id', 'location_id', 'lot_key', name=op.f('uq_stock_balance_product_id_location_id_lot_key'))
    )
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_balance_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_balance_lot_id'), ['lot_id'], unique=False)

    op.create_table('stock_lot_consumption',
    sa.Column('consumed_lot_id', sa.Integer(), nullable=False),
    sa.Column('produced_lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['consumed_lot_id'], ['stock_lot.id'], name=op.f('fk_stock_lot_consumption_consumed_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['produced_lot_id'], ['stock_lot.id'], name=op.f('fk_stock_lot_consumption_produced_lot_id_stock_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_lot_consumption'))
    )
    with op.batch_alter_table('stock_lot_consumption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_lot_consumption_consumed_lot_id'), ['consumed_lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_lot_consumption_produced_lot_id'), ['produced_lot_id'], unique=False)

    op.create_table('stock_move',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=False),
    sa.Column('to_location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('origin_line_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('done_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.CheckConstraint("state IN ('draft','reserved','done','cancelled')", name=op.f('ck_stock_move_state')),
    sa.CheckConstraint('from_location_id <> to_location_id', name=op.f('ck_stock_move_distinct_locations')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_move_quantity_positive')),
    sa.ForeignKeyConstraint(['from_location_id'], ['stock_location.id'], name=op.f('fk_stock_move_from_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_move_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_move_product_id_stock_product')),
    sa.ForeignKeyConstraint(['to_location_id'], ['stock_location.id'], name=op.f('fk_stock_move_to_location_id_stock_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_move'))
    )
    with op.batch_alter_table('stock_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_move_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_from_location_id'), ['from_location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index('ix_stock_move_origin', ['origin_type', 'origin_id'], unique=False)
        batch_op.create_index('ix_stock_move_product_state', ['product_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_to_location_id'), ['to_location_id'], unique=False)

    op.create_table('stock_receipt_line',
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('lot_code', sa.String(length=60), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_receipt_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_receipt_line_product_id_stock_product')),
    sa.ForeignKeyConstraint(['receipt_id'], ['stock_receipt.id'], name=op.f('fk_stock_receipt_line_receipt_id_stock_receipt'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_receipt_line'))
    )
    with op.batch_alter_table('stock_receipt_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_receipt_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_receipt_line_receipt_id'), ['receipt_id'], unique=False)

    op.create_table('stock_requisition_line',
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('issued_quantity', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_requisition_line_product_id_stock_product')),
    sa.ForeignKeyConstraint(['requisition_id'], ['stock_requisition.id'], name=op.f('fk_stock_requisition_line_requisition_id_stock_requisition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_requisition_line'))
    )
    with op.batch_alter_table('stock_requisition_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_requisition_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_requisition_line_requisition_id'), ['requisition_id'], unique=False)

    op.create_table('stock_shipment_line',
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('origin_line_id', sa.Integer(), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_shipment_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_shipment_line_product_id_stock_product')),
    sa.ForeignKeyConstraint(['shipment_id'], ['stock_shipment.id'], name=op.f('fk_stock_shipment_line_shipment_id_stock_shipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_shipment_line'))
    )
    with op.batch_alter_table('stock_shipment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_shipment_line_origin_line_id'), ['origin_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_shipment_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_shipment_line_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('stock_transfer_line',
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_transfer_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_transfer_line_product_id_stock_product')),
    sa.ForeignKeyConstraint(['transfer_id'], ['stock_transfer.id'], name=op.f('fk_stock_transfer_line_transfer_id_stock_transfer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfer_line'))
    )
    with op.batch_alter_table('stock_transfer_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_transfer_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_transfer_line_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('stock_count_line',
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('system_quantity', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('counted_quantity', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('counted_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counted_by', sa.String(length=100), nullable=True),
    sa.Column('move_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['count_id'], ['stock_count.id'], name=op.f('fk_stock_count_line_count_id_stock_count'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_stock_count_line_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_count_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['move_id'], ['stock_move.id'], name=op.f('fk_stock_count_line_move_id_stock_move')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_count_line_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count_line'))
    )
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_count_line_count_id'), ['count_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_line_counted_at'), ['counted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_line_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_line_product_id'), ['product_id'], unique=False)

    op.create_table('stock_reservation',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('lot_key', sa.Integer(), server_default='0', nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('origin_type', sa.String(length=60), nullable=True),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('move_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_reservation_quantity_positive')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_stock_reservation_location_id_stock_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_stock_reservation_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['move_id'], ['stock_move.id'], name=op.f('fk_stock_reservation_move_id_stock_move')),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_stock_reservation_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_reservation'))
    )
    with op.batch_alter_table('stock_reservation', schema=None) as batch_op:
        batch_op.create_index('ix_stock_reservation_balance', ['product_id', 'location_id', 'lot_key', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservation_move_id'), ['move_id'], unique=False)
        batch_op.create_index('ix_stock_reservation_origin', ['origin_type', 'origin_id'], unique=False)


    _seed()


def _seed() -> None:
    """Units of measure, the default warehouse ``WH`` and the virtual locations, so a
    fresh site can receive and ship at once. Ids are left to the database."""
    bind = op.get_bind()
    uom = sa.table("stock_uom", sa.column("code", sa.String), sa.column("name", sa.String),
                   sa.column("decimals", sa.Integer))
    op.bulk_insert(uom, [
        {"code": "pcs", "name": "Pieces", "decimals": 0},
        {"code": "set", "name": "Sets", "decimals": 0},
        {"code": "box", "name": "Boxes", "decimals": 0},
        {"code": "kg", "name": "Kilograms", "decimals": 3},
        {"code": "g", "name": "Grams", "decimals": 0},
        {"code": "t", "name": "Tonnes", "decimals": 3},
        {"code": "m", "name": "Metres", "decimals": 3},
        {"code": "l", "name": "Litres", "decimals": 3},
    ])
    wh = sa.table("stock_warehouse", sa.column("id", sa.Integer), sa.column("code", sa.String),
                  sa.column("name", sa.String), sa.column("is_default", sa.Boolean))
    op.bulk_insert(wh, [{"code": "WH", "name": "Main warehouse", "is_default": True}])
    wh_id = bind.execute(sa.select(wh.c.id).where(wh.c.code == "WH")).scalar_one()
    loc = sa.table("stock_location", sa.column("id", sa.Integer), sa.column("code", sa.String),
                   sa.column("name", sa.String), sa.column("kind", sa.String), sa.column("parent_id", sa.Integer),
                   sa.column("warehouse_id", sa.Integer), sa.column("barcode", sa.String),
                   sa.column("is_default", sa.Boolean))
    op.bulk_insert(loc, [{"code": "WH", "name": "Main warehouse", "kind": "view", "parent_id": None,
                          "warehouse_id": wh_id, "barcode": None, "is_default": False}])
    view_id = bind.execute(sa.select(loc.c.id).where(loc.c.code == "WH")).scalar_one()
    op.bulk_insert(loc, [
        {"code": "WH/STOCK", "name": "Main warehouse stock", "kind": "internal", "parent_id": view_id,
         "warehouse_id": wh_id, "barcode": "LOC-WH-STOCK", "is_default": True},
        {"code": "VIRT/SUPPLIERS", "name": "Suppliers", "kind": "supplier", "parent_id": None,
         "warehouse_id": None, "barcode": None, "is_default": False},
        {"code": "VIRT/CUSTOMERS", "name": "Customers", "kind": "customer", "parent_id": None,
         "warehouse_id": None, "barcode": None, "is_default": False},
        {"code": "VIRT/PRODUCTION", "name": "Production", "kind": "production", "parent_id": None,
         "warehouse_id": None, "barcode": None, "is_default": False},
        {"code": "VIRT/INVENTORY-LOSS", "name": "Inventory loss", "kind": "inventory_loss", "parent_id": None,
         "warehouse_id": None, "barcode": None, "is_default": False},
    ])


def downgrade() -> None:
    with op.batch_alter_table('stock_reservation', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_reservation_origin')
        batch_op.drop_index(batch_op.f('ix_stock_reservation_move_id'))
        batch_op.drop_index('ix_stock_reservation_balance')

    op.drop_table('stock_reservation')
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_count_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_line_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_line_counted_at'))
        batch_op.drop_index(batch_op.f('ix_stock_count_line_count_id'))

    op.drop_table('stock_count_line')
    with op.batch_alter_table('stock_transfer_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_transfer_line_transfer_id'))
        batch_op.drop_index(batch_op.f('ix_stock_transfer_line_product_id'))

    op.drop_table('stock_transfer_line')
    with op.batch_alter_table('stock_shipment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_shipment_line_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_stock_shipment_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_stock_shipment_line_origin_line_id'))

    op.drop_table('stock_shipment_line')
    with op.batch_alter_table('stock_requisition_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_requisition_line_requisition_id'))
        batch_op.drop_index(batch_op.f('ix_stock_requisition_line_product_id'))

    op.drop_table('stock_requisition_line')
    with op.batch_alter_table('stock_receipt_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_receipt_line_receipt_id'))
        batch_op.drop_index(batch_op.f('ix_stock_receipt_line_product_id'))

    op.drop_table('stock_receipt_line')
    with op.batch_alter_table('stock_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_move_to_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_state'))
        batch_op.drop_index('ix_stock_move_product_state')
        batch_op.drop_index('ix_stock_move_origin')
        batch_op.drop_index(batch_op.f('ix_stock_move_lot_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_from_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_done_at'))

    op.drop_table('stock_move')
    with op.batch_alter_table('stock_lot_consumption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_lot_consumption_produced_lot_id'))
        batch_op.drop_index(batch_op.f('ix_stock_lot_consumption_consumed_lot_id'))

    op.drop_table('stock_lot_consumption')
    with op.batch_alter_table('stock_balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_balance_lot_id'))
        batch_op.drop_index(batch_op.f('ix_stock_balance_location_id'))

    op.drop_table('stock_balance')
    with op.batch_alter_table('stock_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_transfer_to_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_transfer_state'))
        batch_op.drop_index(batch_op.f('ix_stock_transfer_from_location_id'))

    op.drop_table('stock_transfer')
    with op.batch_alter_table('stock_shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_shipment_to_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_shipment_state'))
        batch_op.drop_index('ix_stock_shipment_origin')
        batch_op.drop_index(batch_op.f('ix_stock_shipment_from_location_id'))

    op.drop_table('stock_shipment')
    with op.batch_alter_table('stock_requisition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_requisition_to_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_requisition_state'))
        batch_op.drop_index('ix_stock_requisition_origin')
        batch_op.drop_index(batch_op.f('ix_stock_requisition_from_location_id'))

    op.drop_table('stock_requisition')
    with op.batch_alter_table('stock_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_receipt_state'))
        batch_op.drop_index(batch_op.f('ix_stock_receipt_location_id'))

    op.drop_table('stock_receipt')
    with op.batch_alter_table('stock_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_lot_product_id'))

    op.drop_table('stock_lot')
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_count_state'))
        batch_op.drop_index(batch_op.f('ix_stock_count_location_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_done_at'))

    op.drop_table('stock_count')
    with op.batch_alter_table('stock_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_product_unit'))
        batch_op.drop_index(batch_op.f('ix_stock_product_name'))
        batch_op.drop_index(batch_op.f('ix_stock_product_kind'))
        batch_op.drop_index(batch_op.f('ix_stock_product_category_id'))
        batch_op.drop_index(batch_op.f('ix_stock_product_active'))

    op.drop_table('stock_product')
    with op.batch_alter_table('stock_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_location_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_stock_location_parent_id'))
        batch_op.drop_index(batch_op.f('ix_stock_location_kind'))

    op.drop_table('stock_location')
    op.drop_table('stock_warehouse')
    op.drop_table('stock_uom')
    with op.batch_alter_table('stock_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_category_parent_id'))

    op.drop_table('stock_category')

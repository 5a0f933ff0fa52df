"""orders: regions, customers, sales orders, order lines, state history

Revision ID: orders_0001
Revises:
Create Date: 2026-11-24 06:51:44.975776
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'orders_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('orders',)
depends_on: str | Sequence[str] | None = 'stock_0001'


def upgrade() -> None:
    op.create_table('orders_region',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['orders_region.id'], name=op.f('fk_orders_region_parent_id_orders_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders_region')),
    sa.UniqueConstraint('code', name=op.f('uq_orders_region_code'))
    )
    with op.batch_alter_table('orders_region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_region_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_region_path'), ['path'], unique=False)

    op.create_table('orders_customer',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('credit_limit', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('payment_terms', sa.String(length=100), server_default='', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['orders_region.id'], name=op.f('fk_orders_customer_region_id_orders_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders_customer')),
    sa.UniqueConstraint('code', name=op.f('uq_orders_customer_code'))
    )
    with op.batch_alter_table('orders_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_customer_name'), ['name'], unique=False)
        batch_op.create_index('ix_orders_customer_region_code_id', ['region_code', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_customer_region_id'), ['region_id'], unique=False)

    op.create_table('orders_sales_order',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('requested_date', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=10), server_default='normal', nullable=False),
    sa.Column('customer_reference', sa.String(length=100), server_default='', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("priority IN ('low','normal','high','urgent')", name=op.f('ck_orders_sales_order_priority')),
    sa.CheckConstraint("state IN ('draft','confirmed','in_production','ready','partially_shipped','shipped','done','cancelled')", name=op.f('ck_orders_sales_order_state')),
    sa.ForeignKeyConstraint(['customer_id'], ['orders_customer.id'], name=op.f('fk_orders_sales_order_customer_id_orders_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders_sales_order')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_sales_order_number'))
    )
    with op.batch_alter_table('orders_sales_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_sales_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_sales_order_customer_reference'), ['customer_reference'], unique=False)
        batch_op.create_index('ix_orders_sales_order_region_code_id', ['region_code', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_sales_order_requested_date'), ['requested_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_sales_order_state'), ['state'], unique=False)

    op.create_table('orders_sales_order_line',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('produced_quantity', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('shipped_quantity', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('produced_quantity >= 0 AND shipped_quantity >= 0', name=op.f('ck_orders_sales_order_line_progress_nonnegative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_orders_sales_order_line_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_orders_sales_order_line_unit_price_nonnegative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders_sales_order.id'], name=op.f('fk_orders_sales_order_line_order_id_orders_sales_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['stock_product.id'], name=op.f('fk_orders_sales_order_line_product_id_stock_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders_sales_order_line'))
    )
    with op.batch_alter_table('orders_sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_sales_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_sales_order_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_orders_sales_order_line_region_code_id', ['region_code', 'id'], unique=False)

    op.create_table('orders_sales_order_state_change',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders_sales_order.id'], name=op.f('fk_orders_sales_order_state_change_order_id_orders_sales_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders_sales_order_state_change'))
    )
    with op.batch_alter_table('orders_sales_order_state_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_sales_order_state_change_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_sales_order_state_change_region_code'), ['region_code'], unique=False)
        batch_op.create_index('ix_orders_sales_order_state_change_to_at', ['to_state', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('orders_sales_order_state_change', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_sales_order_state_change_to_at')
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_state_change_region_code'))
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_state_change_order_id'))

    op.drop_table('orders_sales_order_state_change')
    with op.batch_alter_table('orders_sales_order_line', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_sales_order_line_region_code_id')
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_line_order_id'))

    op.drop_table('orders_sales_order_line')
    with op.batch_alter_table('orders_sales_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_state'))
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_requested_date'))
        batch_op.drop_index('ix_orders_sales_order_region_code_id')
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_customer_reference'))
        batch_op.drop_index(batch_op.f('ix_orders_sales_order_customer_id'))

    op.drop_table('orders_sales_order')
    with op.batch_alter_table('orders_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_customer_region_id'))
        batch_op.drop_index('ix_orders_customer_region_code_id')
        batch_op.drop_index(batch_op.f('ix_orders_customer_name'))

    op.drop_table('orders_customer')
    with op.batch_alter_table('orders_region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_region_path'))
        batch_op.drop_index(batch_op.f('ix_orders_region_parent_id'))

    op.drop_table('orders_region')

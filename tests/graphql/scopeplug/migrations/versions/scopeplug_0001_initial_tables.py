"""scopeplug: initial tables (items, region-scoped customers and orders)

Revision ID: scopeplug_0001
Revises:
Create Date: 2026-11-24 06:35:32.098327
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tenon.core.db


revision: str = 'scopeplug_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('scopeplug',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scopeplug_customer',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scopeplug_customer')),
    sa.UniqueConstraint('code', name=op.f('uq_scopeplug_customer_code'))
    )
    with op.batch_alter_table('scopeplug_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scopeplug_customer_region'), ['region'], unique=False)

    op.create_table('scopeplug_item',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scopeplug_item')),
    sa.UniqueConstraint('code', name=op.f('uq_scopeplug_item_code'))
    )
    op.create_table('scopeplug_order',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', tenon.core.db.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['scopeplug_customer.id'],
                            name=op.f('fk_scopeplug_order_customer_id_scopeplug_customer')),
    sa.ForeignKeyConstraint(['item_id'], ['scopeplug_item.id'], name=op.f('fk_scopeplug_order_item_id_scopeplug_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scopeplug_order')),
    sa.UniqueConstraint('number', name=op.f('uq_scopeplug_order_number'))
    )
    with op.batch_alter_table('scopeplug_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scopeplug_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scopeplug_order_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scopeplug_order_region'), ['region'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scopeplug_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scopeplug_order_region'))
        batch_op.drop_index(batch_op.f('ix_scopeplug_order_item_id'))
        batch_op.drop_index(batch_op.f('ix_scopeplug_order_customer_id'))
    op.drop_table('scopeplug_order')
    op.drop_table('scopeplug_item')
    with op.batch_alter_table('scopeplug_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scopeplug_customer_region'))

    op.drop_table('scopeplug_customer')

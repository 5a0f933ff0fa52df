"""sales order counts per region: the maintained totalCount of the unfiltered salesOrders list

Backfilled from the existing orders (one slot per region); from then on every insert and delete
of an order adds its delta in its own transaction (tenon.core.counters).

Revision ID: orders_0002
Revises: orders_0001
Create Date: 2026-12-02 02:58:32.969502
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'orders_0002'
down_revision: str | Sequence[str] | None = 'orders_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('orders_sales_order_count',
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('region_code', 'slot', name=op.f('pk_orders_sales_order_count'))
    )
    op.execute("INSERT INTO orders_sales_order_count (region_code, slot, n) "
               "SELECT region_code, 0, count(*) FROM orders_sales_order GROUP BY region_code")


def downgrade() -> None:
    op.drop_table('orders_sales_order_count')

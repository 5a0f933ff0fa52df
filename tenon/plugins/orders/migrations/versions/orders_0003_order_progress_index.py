"""order progress index: the open orders in the order the dashboard lists them

A partial index over the open states on (requested_date IS NULL, requested_date, id, region_code): a
page of orderProgress is read off it instead of sorting every open order, and a rep's count of open
orders reads the index alone. Written by hand (autogenerate
cannot compare expression indexes). Built in the migration's transaction, which holds writes to
orders_sales_order meanwhile (about a second per million orders).

Revision ID: orders_0003
Revises: orders_0002
Create Date: 2026-12-02 06:23:27.748390
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'orders_0003'
down_revision: str | Sequence[str] | None = 'orders_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "state IN ('confirmed','in_production','ready','partially_shipped')"


def upgrade() -> None:
    op.create_index('ix_orders_sales_order_open_progress', 'orders_sales_order',
                    [sa.text('(requested_date IS NULL)'), 'requested_date', 'id', 'region_code'],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('ix_orders_sales_order_open_progress', table_name='orders_sales_order')

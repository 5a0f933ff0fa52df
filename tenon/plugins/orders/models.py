"""Orders tables: sales regions (a tree), customers, sales orders with their lines, and the
state history every KPI is computed from.

Scoping: ``region_code`` is stored (and indexed) on customers, orders, order lines and
state changes, so the kernel's row scope is a plain ``region_code IN (...)`` on every
scoped table and never needs a join. An order keeps the region it was sold in even if
its customer later moves to another region.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.counters import RowCounter
from tenon.core.db import Base, IdMixin, Money, Quantity, Record, utcnow

# --------------------------------------------------------------------------- vocabularies

#: Sales order states, in lifecycle order.
STATES = (
    "draft", "confirmed", "in_production", "ready", "partially_shipped", "shipped", "done", "cancelled",
)
#: States of an order that is committed and not yet fully shipped.
OPEN_STATES = ("confirmed", "in_production", "ready", "partially_shipped")
#: States from which stock may be shipped against the order.
SHIPPABLE_STATES = OPEN_STATES
PRIORITIES = ("low", "normal", "high", "urgent")


#: The partial index of open orders in the order progress dashboard's order.
PROGRESS_INDEX = "ix_orders_sales_order_open_progress"


def _in(values: tuple[str, ...]) -> str:
    return ",".join(f"'{v}'" for v in values)


_OPEN = text(f"state IN ({_in(OPEN_STATES)})")  # the progress index's condition, on both databases


# --------------------------------------------------------------------------- master data


class Region(Record, Base):
    """A sales territory. Regions form a tree (East China → Zhejiang); ``path`` is the
    materialised chain of codes from the root (``/east/zhejiang/``), so "this region and
    everything under it" is one indexed lookup."""

    __tablename__ = "orders_region"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orders_region.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Customer(Record, Base):
    """A customer, in exactly one region."""

    __tablename__ = "orders_customer"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("orders_region.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(32))
    contacts: Mapped[list[Any]] = mapped_column(default=list)
    credit_limit: Mapped[Decimal | None] = mapped_column(Money)
    payment_terms: Mapped[str] = mapped_column(String(100), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    __table_args__ = (Index("ix_orders_customer_region_code_id", "region_code", "id"),)


# --------------------------------------------------------------------------- sales orders


class SalesOrder(Record, Base):
    """A customer's order: ``draft`` → ``confirmed`` → (``in_production`` → ``ready``) →
    ``partially_shipped`` → ``shipped`` → ``done``; ``cancelled`` from draft/confirmed.
    See :data:`tenon.plugins.orders.workflows.SALES_ORDER`."""

    __tablename__ = "orders_sales_order"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("orders_customer.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    order_date: Mapped[dt.date] = mapped_column(Date)
    requested_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    priority: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")
    customer_reference: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    __table_args__ = (
        CheckConstraint(f"state IN ({_in(STATES)})", name="state"),
        CheckConstraint(f"priority IN ({_in(PRIORITIES)})", name="priority"),
        # the scoped list is "WHERE region_code IN (...) ORDER BY id": one index serves both
        Index("ix_orders_sales_order_region_code_id", "region_code", "id"),
        # the order progress dashboard: open orders in the order it lists them (undated last), so
        # a page reads its rows off the index instead of sorting every open order; region_code
        # last lets a rep's count of open orders read the index alone
        # (tenon.plugins.orders.reports.order_progress_query; the state list is rendered inline there,
        # which lets both databases match this partial index)
        Index(PROGRESS_INDEX, text("(requested_date IS NULL)"), "requested_date", "id", "region_code",
              postgresql_where=_OPEN, sqlite_where=_OPEN),
    )


class SalesOrderLine(Record, Base):
    """One product of an order. ``produced_quantity`` is reported by production (mrp),
    ``shipped_quantity`` follows stock's done shipments."""

    __tablename__ = "orders_sales_order_line"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders_sales_order.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=1)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    produced_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    shipped_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_nonnegative"),
        CheckConstraint("produced_quantity >= 0 AND shipped_quantity >= 0", name="progress_nonnegative"),
        Index("ix_orders_sales_order_line_region_code_id", "region_code", "id"),
    )


class SalesOrderStateChange(IdMixin, Base):
    """One state transition of an order: when, from, to, by whom. Append-only; the
    delivery-cycle KPI and the lifecycle view are computed from these rows."""

    __tablename__ = "orders_sales_order_state_change"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders_sales_order.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(32), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")

    __table_args__ = (Index("ix_orders_sales_order_state_change_to_at", "to_state", "at"),)


class SalesOrderCount(Base):
    """The maintained number of sales orders per region (``totalCount`` of the unfiltered
    ``salesOrders`` list, summed over the reader's regions): ``slots`` rows per region, each
    change added to a random one, so concurrent orders of one region rarely wait on each other.
    Maintained in the transaction of every insert and delete (:data:`SALES_ORDER_COUNTER`)."""

    __tablename__ = "orders_sales_order_count"
    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


#: Sales orders counted per region; the region row scope reads only ``region_code``, so the
#: same criterion over these rows selects exactly the counts of the orders a reader may see.
SALES_ORDER_COUNTER = RowCounter(model=SalesOrder, counter=SalesOrderCount, keys=("region_code",)).install()

MODELS = [Region, Customer, SalesOrder, SalesOrderLine, SalesOrderStateChange, SalesOrderCount]

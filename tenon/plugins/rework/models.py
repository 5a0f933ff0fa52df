"""rework models: the cause categories the quality manager keeps, rework orders (with their
responsibility) and the repair material of each.

A rework order links to the original: the mrp work order, the qc inspection and nonconformance,
the stock lot and, when orders is installed, the sales order and line (plain integer columns:
orders is optional for rework, so its tables cannot be referenced). ``region_code`` is the sales
order's region, copied at creation (as orders does on its lines), for the region row scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, Money, Quantity, Record, UTCDateTime

#: Rework order states (see :mod:`tenon.plugins.rework.workflows`).
STATES = ("open", "in_rework", "passed", "failed", "done", "cancelled")
#: What a rework order was opened from.
SOURCES = ("nonconformance", "work_order", "lot", "customer_return")


def _in(values: tuple[str, ...]) -> str:
    return ",".join(f"'{v}'" for v in values)


class ReworkCause(Record, Base):
    """A cause category (``WELD`` "weld porosity"), kept by the quality manager."""

    __tablename__ = "rework_cause"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ReworkOrder(Record, Base):
    """Rework of a quantity of a product, traced to where it came from and who is responsible."""

    __tablename__ = "rework_order"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    source: Mapped[str] = mapped_column(String(20), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    #: the lot reworked (the original one)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    #: where the goods wait for the rework (stock, quarantine, the returns location)
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    # -- the original
    original_work_order_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_order.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("qc_inspection.id"), index=True)
    nonconformance_id: Mapped[int | None] = mapped_column(ForeignKey("qc_nonconformance.id"), index=True)
    sales_order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    sales_order_line_id: Mapped[int | None] = mapped_column(Integer, index=True)
    region_code: Mapped[str | None] = mapped_column(String(32), index=True)
    #: the rework order this one follows (its re-inspection failed again)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rework_order.id"), index=True)
    # -- responsibility
    responsible_operation_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_operation.id"), index=True)
    responsible_work_center_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    responsible_operator: Mapped[str | None] = mapped_column(String(100), index=True)
    responsible_supplier_lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("rework_cause.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # -- execution
    #: mrp library operation ids to redo (null: every operation of the routing)
    operation_ids: Mapped[list[int] | None] = mapped_column(JSON)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_order.id"), index=True)
    requisition_id: Mapped[int | None] = mapped_column(ForeignKey("stock_requisition.id"))
    reinspection_id: Mapped[int | None] = mapped_column(ForeignKey("qc_inspection.id"))
    passed_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    passed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    __table_args__ = (
        CheckConstraint(f"state IN ({_in(STATES)})", name="state"),
        CheckConstraint(f"source IN ({_in(SOURCES)})", name="source"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class ReworkMaterial(Record, Base):
    """Repair material of a rework order, asked for through a stock requisition at release;
    ``unit_cost`` prices it for the responsibility statistics."""

    __tablename__ = "rework_material"
    rework_order_id: Mapped[int] = mapped_column(ForeignKey("rework_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      CheckConstraint("unit_cost >= 0", name="unit_cost_nonnegative"))


MODELS = (ReworkCause, ReworkOrder, ReworkMaterial)

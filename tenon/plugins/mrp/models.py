"""mrp models: work centers, the operation library, routings, BOMs, work orders and their
operations, operation reports (people and machines), production exceptions.

Quantities are ``Numeric(18, 4)``; minutes are ``Numeric(18, 4)`` too (planned minutes of a
600-piece operation at 0.35 min/pc are 210.0000). Products are stock's (``stock_product``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, Quantity, Record, UTCDateTime

Minutes = Numeric(18, 4)

#: Work order states (draft → released → in_progress → done; cancelled).
WORK_ORDER_STATES = ("draft", "released", "in_progress", "done", "cancelled")
#: Work order operation states (pending → ready → in_progress → done; cancelled).
OPERATION_STATES = ("pending", "ready", "in_progress", "done", "cancelled")
#: What a BOM line is: bought/stocked component, phantom (exploded through) or made (own work order).
LINE_KINDS = ("component", "phantom", "made")
EXCEPTION_TYPES = ("machine_down", "material_shortage", "quality", "other")
EXCEPTION_STATES = ("open", "acknowledged", "resolved")
SOURCES = ("operator", "machine")


class WorkCenter(Record, Base):
    """A machine group or line with a calendar: working weekdays (1 = Monday), hours per day,
    planned downtime days, and ``capacity`` machine-hours per calendar hour (2 = two machines)."""

    __tablename__ = "mrp_work_center"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    working_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5])
    hours_per_day: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(8))
    downtime: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    lead_username: Mapped[str | None] = mapped_column(String(100))
    supply_location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Operation(Record, Base):
    """An entry of the operation library (工序库)."""

    __tablename__ = "mrp_operation"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    minutes_per_unit: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0))
    setup_minutes: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0))
    instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    inspection_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Routing(Record, Base):
    """A versioned, ordered list of operations for a product; one active version per product."""

    __tablename__ = "mrp_routing"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (UniqueConstraint("product_id", "version_no"),)


class RoutingStep(Record, Base):
    """One operation of a routing, in ``sequence`` order (work center defaults to the operation's)."""

    __tablename__ = "mrp_routing_step"
    routing_id: Mapped[int] = mapped_column(ForeignKey("mrp_routing.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    operation_id: Mapped[int] = mapped_column(ForeignKey("mrp_operation.id"), index=True)
    work_center_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)


class Bom(Record, Base):
    """A versioned bill of materials of a product; one active version per product."""

    __tablename__ = "mrp_bom"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (UniqueConstraint("product_id", "version_no"),)


class BomLine(Record, Base):
    """A component per unit of the parent, with a scrap factor (0.05 = 5 % extra)."""

    __tablename__ = "mrp_bom_line"
    bom_id: Mapped[int] = mapped_column(ForeignKey("mrp_bom.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    component_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    scrap_factor: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    kind: Mapped[str] = mapped_column(String(12), default="component")
    __table_args__ = (CheckConstraint("kind IN ('component','phantom','made')", name="kind"),)


class ProductSetting(Record, Base):
    """mrp's flags on a stock product: made to order (a sales order line gets a work order)."""

    __tablename__ = "mrp_product_setting"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), unique=True)
    make_to_order: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class WorkOrder(Record, Base):
    """A work order: make ``quantity`` of a product with a kept BOM and routing version."""

    __tablename__ = "mrp_work_order"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="normal", index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    produced_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    scrap_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counting_source: Mapped[str] = mapped_column(String(10), default="operator", server_default="operator")
    bom_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_bom.id"))
    routing_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_routing.id"))
    requisition_id: Mapped[int | None] = mapped_column(ForeignKey("stock_requisition.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_order.id"), index=True)
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer, index=True)
    origin_line_id: Mapped[int | None] = mapped_column(Integer)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))
    with_materials: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: library operation ids to copy from the routing (a rework order's subset); null: all
    operation_subset: Mapped[list[int] | None] = mapped_column(JSON)
    #: the explosion kept at release: ``[{"product_id", "per_unit", "quantity", "made"}]``
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: components already in production (left over by the order this one backs up), by product id
    material_credit: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (CheckConstraint("counting_source IN ('operator','machine')", name="counting_source"),)


class WorkOrderStateChange(Record, Base):
    """History of a work order's states."""

    __tablename__ = "mrp_work_order_state_change"
    work_order_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_order.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")


class WorkOrderOperation(Record, Base):
    """An operation of a work order, copied from the routing at release."""

    __tablename__ = "mrp_work_order_operation"
    work_order_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_order.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    operation_id: Mapped[int] = mapped_column(ForeignKey("mrp_operation.id"))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    planned_minutes: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0))
    good_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    scrap_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    reported_minutes: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0), server_default="0")
    inspection_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OperationReport(Record, Base):
    """One report (报工) on an operation, by a person or a machine; ``signal_key`` is a device's
    idempotency key (unique, so a replayed signal counts once, also concurrently)."""

    __tablename__ = "mrp_operation_report"
    operation_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_order_operation.id", ondelete="CASCADE"), index=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_order.id", ondelete="CASCADE"), index=True)
    work_center_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    good_quantity: Mapped[Decimal] = mapped_column(Quantity)
    scrap_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    operator: Mapped[str | None] = mapped_column(String(100))
    minutes: Mapped[Decimal] = mapped_column(Minutes, default=Decimal(0))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    signal_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))


class ExceptionRule(Record, Base):
    """Who answers an exception type (at a work center, or anywhere when ``work_center_id`` is
    null): a responsibility chain of usernames, and the SLA in minutes per step."""

    __tablename__ = "mrp_exception_rule"
    type: Mapped[str] = mapped_column(String(20), index=True)
    work_center_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    chain: Mapped[list[str]] = mapped_column(JSON, default=list)
    sla_minutes: Mapped[int] = mapped_column(Integer, default=30)
    __table_args__ = (UniqueConstraint("type", "work_center_id"),)


class ProductionException(Record, Base):
    """A production exception (异常上报) with its SLA clock and responsibility chain."""

    __tablename__ = "mrp_exception"
    type: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    description: Mapped[str] = mapped_column(Text)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_order.id"), index=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("mrp_work_order_operation.id"))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("mrp_work_center.id"), index=True)
    reported_by: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    chain: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[int] = mapped_column(Integer, default=0)
    assigned_to: Mapped[str | None] = mapped_column(String(100), index=True)
    sla_minutes: Mapped[int] = mapped_column(Integer, default=30)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    responded_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str] = mapped_column(Text, default="", server_default="")
    escalations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


MODELS = (WorkCenter, Operation, Routing, RoutingStep, Bom, BomLine, ProductSetting, WorkOrder,
          WorkOrderStateChange, WorkOrderOperation, OperationReport, ExceptionRule, ProductionException)

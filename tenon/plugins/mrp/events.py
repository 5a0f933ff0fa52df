"""The events mrp publishes (declared with ``tenon_events``), delivered after commit.

Quantities are decimal strings (``"30.0000"``). To react inside mrp's transaction, or to
refuse, implement mrp's owned hooks (:mod:`tenon.plugins.mrp.hookspecs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class WorkOrderDone(Event):
    """A work order was finished: its produced quantity is in stock."""

    name: ClassVar[str] = "mrp.work_order.done"
    work_order_id: int
    number: str
    product_id: int
    produced_quantity: str
    kind: str = "normal"


@dataclass(frozen=True)
class WorkOrderCreated(Event):
    """A work order was created (manually, from a sales order line, or linked to another one)."""

    name: ClassVar[str] = "mrp.work_order.created"
    work_order_id: int
    number: str
    kind: str = "normal"
    first_work_center_id: int | None = None


@dataclass(frozen=True)
class WorkOrderReleased(Event):
    """A work order was released: its requisition exists and its first operation is ready."""

    name: ClassVar[str] = "mrp.work_order.released"
    work_order_id: int
    number: str
    first_work_center_id: int | None = None


@dataclass(frozen=True)
class OperationCompleted(Event):
    """A work order operation was completed; the next one (if any) is ready."""

    name: ClassVar[str] = "mrp.operation.completed"
    operation_id: int
    work_order_id: int
    number: str
    next_work_center_id: int | None = None


@dataclass(frozen=True)
class ExceptionReported(Event):
    """A production exception was reported and assigned."""

    name: ClassVar[str] = "mrp.exception.reported"
    exception_id: int
    work_order_id: int
    type: str
    assigned_to: str | None = None


EVENTS = (WorkOrderCreated, WorkOrderDone, WorkOrderReleased, OperationCompleted, ExceptionReported)

"""The events rework publishes (declared with ``tenon_events``), delivered after commit.

Quantities are decimal strings (``"3.0000"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class ReworkOrderCreated(Event):
    """A rework order was opened (from a nonconformance, a work order, a lot or a customer return)."""

    name: ClassVar[str] = "rework.order.created"
    rework_order_id: int
    number: str
    source: str
    product_id: int
    quantity: str
    sales_order_id: int | None = None


@dataclass(frozen=True)
class ReworkOrderStateChanged(Event):
    """A rework order changed state (released, passed, failed, closed, cancelled)."""

    name: ClassVar[str] = "rework.order.state_changed"
    rework_order_id: int
    number: str
    from_state: str
    to_state: str
    sales_order_id: int | None = None


EVENTS = (ReworkOrderCreated, ReworkOrderStateChanged)

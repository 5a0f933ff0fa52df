"""The events orders publishes (declared with ``tenon_events``), delivered after commit.

For reactions that must not roll the change back (notifications, dashboards)
subscribe to :class:`SalesOrderStateChanged`. To react inside the transaction,
or to refuse, implement orders' owned hooks (:mod:`tenon.plugins.orders.hookspecs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class SalesOrderStateChanged(Event):
    """A sales order changed state (``from_state`` is ``None`` when it was created); states are lowercase."""

    name: ClassVar[str] = "orders.sales_order.state_changed"
    order_id: int
    number: str
    region_code: str
    from_state: str | None
    to_state: str


EVENTS = (SalesOrderStateChanged,)

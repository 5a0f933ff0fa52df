"""The events stock publishes (declared with ``tenon_events``), delivered after commit.

Subscribe with ``Subscriber(ShipmentDone, handler, name="myplugin.shipment_done")``;
``handler(session, event)`` gets the typed event. Quantities are decimal strings
(``"30.0000"``). To react inside stock's transaction, or to refuse, implement
stock's owned hooks (:mod:`tenon.plugins.stock.hookspecs`) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from tenon.core.events import Event

@dataclass(frozen=True)
class ReceiptDone(Event):
    """A receipt was validated: its goods are on hand (``lines``: product_id, quantity, lot_id)."""

    name: ClassVar[str] = "stock.receipt.done"
    receipt_id: int
    number: str
    origin_type: str | None = None
    origin_id: int | None = None
    lines: list[dict[str, str | int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class _RequisitionEvent(Event):
    """A requisition changed state (base of the requisition events)."""

    requisition_id: int
    number: str
    state: str
    origin_type: str | None = None
    origin_id: int | None = None


@dataclass(frozen=True)
class RequisitionApproved(_RequisitionEvent):
    """A material requisition was approved and may be issued."""

    name: ClassVar[str] = "stock.requisition.approved"


@dataclass(frozen=True)
class RequisitionIssued(_RequisitionEvent):
    """Materials of a requisition moved to production (``lines``: line_id, product_id, quantity, lot_id)."""

    name: ClassVar[str] = "stock.requisition.issued"
    lines: list[dict[str, str | int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class RequisitionClosed(_RequisitionEvent):
    """A requisition was closed (nothing more will be issued)."""

    name: ClassVar[str] = "stock.requisition.closed"


@dataclass(frozen=True)
class RequisitionCancelled(_RequisitionEvent):
    """A requisition was cancelled."""

    name: ClassVar[str] = "stock.requisition.cancelled"


@dataclass(frozen=True)
class _ShipmentEvent(Event):
    """A shipment changed state (base of the shipment events)."""

    shipment_id: int
    number: str
    origin_type: str | None = None
    origin_id: int | None = None


@dataclass(frozen=True)
class ShipmentPicked(_ShipmentEvent):
    """A shipment was picked: its stock is reserved."""

    name: ClassVar[str] = "stock.shipment.picked"


@dataclass(frozen=True)
class ShipmentDone(_ShipmentEvent):
    """A shipment's goods left for the customer (``lines``: product_id, quantity, origin_line_id)."""

    name: ClassVar[str] = "stock.shipment.done"
    lines: list[dict[str, str | int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class ShipmentCancelled(_ShipmentEvent):
    """A draft or picked shipment was cancelled and its reservations released."""

    name: ClassVar[str] = "stock.shipment.cancelled"


@dataclass(frozen=True)
class TransferDone(Event):
    """An internal transfer moved its goods."""

    name: ClassVar[str] = "stock.transfer.done"
    transfer_id: int
    number: str


@dataclass(frozen=True)
class CountDone(Event):
    """A stock count was posted (``adjustments``: product_id, location_id, lot_id, difference)."""

    name: ClassVar[str] = "stock.count.done"
    count_id: int
    number: str
    adjustments: list[dict[str, str | int | None]] = field(default_factory=list)


EVENTS = (ReceiptDone, RequisitionApproved, RequisitionIssued, RequisitionClosed, RequisitionCancelled,
          ShipmentPicked, ShipmentDone, ShipmentCancelled, TransferDone, CountDone)

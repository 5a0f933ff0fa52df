"""The life cycles of stock's documents, declared with ``tenon_workflows`` (:mod:`tenon.core.workflow`).

One :class:`~tenon.core.workflow.Workflow` per document; every state change goes through
``<WORKFLOW>.apply(session, document, action, ...)``, so an action the document's state does not
allow is ``INVALID_STATE`` (``details``: ``state``, ``action``, ``allowedFrom``) for every document.

=============  ===================  ======================================  =================================
document       action               from → to                               hooks / event
=============  ===================  ======================================  =================================
receipt        ``validate``         draft → done                            ``tenon_stock_receipt_done``,
                                                                            ``stock.receipt.done``
receipt        ``cancel``           draft → cancelled
requisition    ``approve``          draft → approved                        ``stock.requisition.approved``
requisition    ``issue_partially``  approved, partially_issued →            ``stock.requisition.issued``
                                    partially_issued
requisition    ``issue_fully``      approved, partially_issued → issued     ``stock.requisition.issued``
requisition    ``close``            approved, partially_issued, issued →    ``stock.requisition.closed``
                                    closed
requisition    ``cancel``           draft, approved → cancelled             ``stock.requisition.cancelled``
shipment       ``pick``             draft → picked                          ``stock.shipment.picked``
shipment       ``confirm``          draft, picked → done                    ``tenon_stock_shipment_confirming``
                                                                            (may veto),
                                                                            ``tenon_stock_shipment_done``,
                                                                            ``stock.shipment.done``
shipment       ``cancel``           draft, picked → cancelled               ``stock.shipment.cancelled``
transfer       ``validate``         draft → done                            ``stock.transfer.done``
transfer       ``cancel``           draft → cancelled
count          ``confirm``          draft → done                            ``stock.count.done``
count          ``cancel``           draft → cancelled
=============  ===================  ======================================  =================================

Stock records a document's change in its ledger: each workflow's ``record`` step is the
document's ``post(session, change)`` in :mod:`tenon.plugins.stock.services` (the moves the step
makes, after the new state is flushed and before the ``after`` hook and the event), so the
document's optimistic ``version`` is checked before any stock moves.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from tenon.core.events import Event
from tenon.core.workflow import StateChange, Transition, Workflow

from .events import (
    CountDone,
    ReceiptDone,
    RequisitionApproved,
    RequisitionCancelled,
    RequisitionClosed,
    RequisitionIssued,
    ShipmentCancelled,
    ShipmentDone,
    ShipmentPicked,
    TransferDone,
)


def _posted_by(module: str) -> Callable[[Session, StateChange], None]:
    """The ``record`` step: ``services.<module>.post(session, change)`` (imported when first used)."""

    def record(session: Session, change: StateChange) -> None:
        importlib.import_module(f"{__package__}.services.{module}").post(session, change)

    return record


# --------------------------------------------------------------------------- events


def _receipt_event(change: StateChange) -> Event | None:
    if change.action != "validate":
        return None
    from .models import ReceiptLine

    receipt = change.record
    lines = object_session(receipt).scalars(  # type: ignore[union-attr]
        select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id).order_by(ReceiptLine.id))
    return ReceiptDone(receipt_id=receipt.id, number=receipt.number, origin_type=receipt.origin_type,
                       origin_id=receipt.origin_id,
                       lines=[{"product_id": ln.product_id, "quantity": str(ln.quantity), "lot_id": ln.lot_id}
                              for ln in lines])


_REQUISITION_EVENTS: dict[str, type[Event]] = {
    "approve": RequisitionApproved, "issue_partially": RequisitionIssued, "issue_fully": RequisitionIssued,
    "close": RequisitionClosed, "cancel": RequisitionCancelled,
}


def _requisition_event(change: StateChange) -> Event:
    req = change.record
    more: dict[str, Any] = {"lines": change.args["issued"]} if change.action.startswith("issue") else {}
    return _REQUISITION_EVENTS[change.action](  # type: ignore[call-arg]
        requisition_id=req.id, number=req.number, state=req.state, origin_type=req.origin_type,
        origin_id=req.origin_id, **more)


def _shipment_event(change: StateChange) -> Event:
    from .ledger import dec

    s = change.record
    common = {"shipment_id": s.id, "number": s.number, "origin_type": s.origin_type, "origin_id": s.origin_id}
    if change.action == "pick":
        return ShipmentPicked(**common)
    if change.action == "cancel":
        return ShipmentCancelled(**common)
    return ShipmentDone(**common, lines=[
        {"product_id": ln.product_id, "quantity": str(dec(ln.quantity)), "origin_line_id": ln.origin_line_id}
        for ln in change.args["lines"]])


def _transfer_event(change: StateChange) -> Event | None:
    return TransferDone(transfer_id=change.record.id, number=change.record.number) if change.action == "validate" else None


def _count_event(change: StateChange) -> Event | None:
    if change.action != "confirm":
        return None
    from .ledger import dec
    from .models import CountLine

    count = change.record
    lines = object_session(count).scalars(  # type: ignore[union-attr]
        select(CountLine).where(CountLine.count_id == count.id, CountLine.move_id.is_not(None)).order_by(CountLine.id))
    return CountDone(count_id=count.id, number=count.number, adjustments=[
        {"product_id": ln.product_id, "location_id": ln.location_id, "lot_id": ln.lot_id,
         "difference": str(dec(ln.counted_quantity) - dec(ln.system_quantity))} for ln in lines])


def _guard_counted(session: Session, count: Any) -> None:
    from tenon.core.errors import ValidationError

    from .models import CountLine

    counted = session.scalar(select(CountLine.id).where(CountLine.count_id == count.id,
                                                         CountLine.counted_quantity.is_not(None)).limit(1))
    if counted is None:
        raise ValidationError("nothing was counted", field="entries")


# --------------------------------------------------------------------------- workflows

RECEIPT = Workflow(
    name="stock.receipt", label="receipt", subject="receipt",
    transitions=[
        Transition("validate", ("draft",), "done", verb="validated", after="tenon_stock_receipt_done"),
        Transition("cancel", ("draft",), "cancelled", verb="cancelled"),
    ],
    record=_posted_by("receipts"), event=_receipt_event,
)

REQUISITION = Workflow(
    name="stock.requisition", label="requisition", subject="requisition",
    states=("draft", "approved", "partially_issued", "issued", "closed", "cancelled"),
    transitions=[
        Transition("approve", ("draft",), "approved", verb="approved"),
        Transition("issue_partially", ("approved", "partially_issued"), "partially_issued", verb="issued"),
        Transition("issue_fully", ("approved", "partially_issued"), "issued", verb="issued"),
        Transition("close", ("approved", "partially_issued", "issued"), "closed", verb="closed"),
        Transition("cancel", ("draft", "approved"), "cancelled", verb="cancelled"),
    ],
    record=_posted_by("requisitions"), event=_requisition_event,
)

SHIPMENT = Workflow(
    name="stock.shipment", label="shipment", subject="shipment",
    transitions=[
        Transition("pick", ("draft",), "picked", verb="picked"),
        Transition("confirm", ("draft", "picked"), "done", verb="confirmed",
                   before="tenon_stock_shipment_confirming", after="tenon_stock_shipment_done"),
        Transition("cancel", ("draft", "picked"), "cancelled", verb="cancelled"),
    ],
    record=_posted_by("shipments"), event=_shipment_event,
)

TRANSFER = Workflow(
    name="stock.transfer", label="transfer", subject="transfer",
    transitions=[
        Transition("validate", ("draft",), "done", verb="validated"),
        Transition("cancel", ("draft",), "cancelled", verb="cancelled"),
    ],
    record=_posted_by("transfers"), event=_transfer_event,
)

COUNT = Workflow(
    name="stock.count", label="count", subject="count",
    transitions=[
        Transition("confirm", ("draft",), "done", guard=_guard_counted, verb="confirmed"),
        Transition("cancel", ("draft",), "cancelled", verb="cancelled"),
    ],
    record=_posted_by("counts"), event=_count_event,
)

WORKFLOWS = (RECEIPT, REQUISITION, SHIPMENT, TRANSFER, COUNT)

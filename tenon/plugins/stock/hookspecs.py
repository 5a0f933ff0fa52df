"""Hooks owned by the stock plugin (added with ``tenon_addhooks``): stock's in-transaction reactions.

Following the reaction rule (:mod:`tenon.core.hookspecs`): ``…ing`` hooks are pre-steps
called with ``app.hooks.ask`` that may refuse by raising a :class:`tenon.TenonError`;
past-tense hooks are called with ``app.hooks.notify`` after the change, in the same
transaction, and cannot refuse. After-commit reactions subscribe to stock's events
(:mod:`tenon.plugins.stock.events`) instead. Implementations never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tenon.core.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import Receipt, ReceiptLine, Shipment, ShipmentLine


@hookspec
def tenon_stock_shipment_confirming(session: Session, shipment: Shipment,
                                    lines: Sequence[ShipmentLine]) -> None:
    """Veto or prepare the confirmation of a shipment, before any stock moves.

    Called by :func:`tenon.plugins.stock.confirm_shipment` through ``app.hooks.ask``
    inside the confirming unit of work, for every implementation (in plugin order), while the shipment
    is still ``draft`` or ``picked``. Stock knows nothing of the reasons: quality
    holds, credit blocks, missing papers are for the implementing plugin.

    :param session: the open session; never commit it.
    :param shipment: the :class:`~tenon.plugins.stock.models.Shipment`.
    :param lines: its :class:`~tenon.plugins.stock.models.ShipmentLine` rows, by id (already read:
        an implementation need not read them again; one that does not declare ``lines`` still works).
    :returns: nothing. Raise a :class:`tenon.TenonError` (with your own code) to
        refuse: the confirmation fails with that error and nothing changes.

    Example::

        @hookimpl
        def tenon_stock_shipment_confirming(session, shipment):
            if services.has_open_hold(session, shipment.id):
                raise TenonError("quality hold on a shipped lot", code="QC_HOLD")

    Since 0.1 (``lines`` came later; pluggy passes an implementation only the arguments it names).
    """


@hookspec
def tenon_stock_shipment_done(session: Session, shipment: Shipment, lines: Sequence[ShipmentLine]) -> None:
    """A shipment was confirmed: its stock moved to the customer location (``state == "done"``).

    Called by :func:`tenon.plugins.stock.confirm_shipment` through ``app.hooks.notify``
    inside the confirming unit of work, after the moves are flushed, once per shipment,
    in plugin order, before the event ``stock.shipment.done`` is published. This is
    where the plugin that asked for the shipment (orders, by ``shipment.origin_type``)
    follows it. It cannot refuse: a ``TenonError`` raised here becomes a ``PluginError``
    (refuse in :func:`tenon_stock_shipment_confirming` instead).

    :param session: the open session; never commit it.
    :param shipment: the done :class:`~tenon.plugins.stock.models.Shipment`
        (``origin_type``/``origin_id`` name the document it ships).
    :param lines: its :class:`~tenon.plugins.stock.models.ShipmentLine` rows, by id
        (``product_id``, ``quantity``, ``origin_line_id``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_stock_shipment_done(session, shipment, lines):
            if shipment.origin_type == "rework.order":
                services.mark_delivered(session, shipment.origin_id, lines)

    Since 0.2.
    """


@hookspec
def tenon_stock_receipt_done(session: Session, receipt: Receipt, lines: Sequence[ReceiptLine]) -> None:
    """A receipt was validated: its goods moved in from the supplier location (``state == "done"``).

    Called by :func:`tenon.plugins.stock.services.receipts.validate_receipt` (the ``validate``
    transition of the receipt workflow) through ``app.hooks.notify`` inside the validating unit
    of work, after the moves are flushed and each line's ``lot_id`` is set, once per receipt, in
    plugin order. The goods are in ``receipt.location_id``; an implementation may move them on
    with :func:`tenon.plugins.stock.move_stock` in the same transaction (a quality plugin puts an
    inspected lot into quarantine). It cannot refuse: a ``TenonError`` raised here becomes a
    ``PluginError``. After commit, subscribe to ``stock.receipt.done`` instead.

    :param session: the open session; never commit it.
    :param receipt: the done :class:`~tenon.plugins.stock.models.Receipt` (``location_id``,
        ``origin_type``/``origin_id``).
    :param lines: its :class:`~tenon.plugins.stock.models.ReceiptLine` rows, by id
        (``product_id``, ``quantity``, ``lot_id``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_stock_receipt_done(session, receipt, lines):
            for line in lines:
                services.open_incoming_inspection(session, receipt, line)

    Since 0.2.
    """

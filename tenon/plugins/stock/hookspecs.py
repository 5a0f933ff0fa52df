"""Hooks owned by the stock plugin (added with ``tenon_addhooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenon.core.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.plugins.stock.models import Shipment


@hookspec
def tenon_stock_shipment_confirming(session: Session, shipment: Shipment) -> None:
    """Veto or prepare the confirmation of a shipment, before any stock moves.

    Called by :func:`tenon.plugins.stock.confirm_shipment` inside the confirming
    unit of work, for every implementation (in plugin order), while the shipment
    is still ``draft`` or ``picked``. Stock knows nothing of the reasons: quality
    holds, credit blocks, missing papers are for the implementing plugin.

    :param session: the open session; never commit it.
    :param shipment: the :class:`~tenon.plugins.stock.models.Shipment` (read its
        lines with ``select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)``).
    :returns: nothing. Raise a :class:`tenon.TenonError` (with your own code) to
        refuse: the confirmation fails with that error and nothing changes.

    Example::

        @hookimpl
        def tenon_stock_shipment_confirming(session, shipment):
            if services.has_open_hold(session, shipment.id):
                raise TenonError("quality hold on a shipped lot", code="QC_HOLD")

    Since 0.1.
    """

"""The rework plugin's GraphQL contribution: :mod:`.queries`, :mod:`.mutations`, :mod:`.types`,
:mod:`.inputs`, :mod:`.loaders`, and :mod:`.extensions` (``WorkOrder.reworkOrders``,
``Lot.reworkOrders`` and, with orders installed, ``SalesOrder.reworkOrders`` and the rework
quantities on ``OrderLineProgress``)."""

from __future__ import annotations

from tenon.core.contributions import SchemaContribution


def contribution(with_orders: bool = False) -> SchemaContribution:
    from .extensions import extensions
    from .mutations import Mutation
    from .queries import Query

    return SchemaContribution(query=Query, mutation=Mutation, extend=extensions(with_orders))

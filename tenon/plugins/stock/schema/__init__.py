"""The stock plugin's GraphQL contribution."""

from __future__ import annotations

from tenon.core.contributions import SchemaContribution


def contribution() -> SchemaContribution:
    from .mutations import StockMutation
    from .queries import StockQuery

    return SchemaContribution(query=StockQuery, mutation=StockMutation)

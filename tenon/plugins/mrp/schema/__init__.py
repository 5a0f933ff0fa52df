"""mrp's GraphQL API: :mod:`.queries`, :mod:`.mutations`, :mod:`.types`, :mod:`.inputs`, :mod:`.loaders`."""

from __future__ import annotations

from typing import Any

from tenon.core.contributions import SchemaContribution


def contribution(app: Any = None) -> SchemaContribution:
    """The schema contribution of mrp."""
    from .mutations import Mutation
    from .queries import Query

    return SchemaContribution(query=Query, mutation=Mutation)

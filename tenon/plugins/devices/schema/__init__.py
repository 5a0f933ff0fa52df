"""The devices plugin's GraphQL contribution: :mod:`.queries`, :mod:`.mutations`, :mod:`.types`,
:mod:`.inputs`, :mod:`.loaders`."""

from __future__ import annotations

from tenon.core.contributions import SchemaContribution


def contribution() -> SchemaContribution:
    from .mutations import Mutation
    from .queries import Query

    return SchemaContribution(query=Query, mutation=Mutation)

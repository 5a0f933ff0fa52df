"""GraphQL API of the orders plugin: regions, customers, sales orders, shipping, progress, KPI.

Every read goes through ORM selects, so the actor's region scope applies to lists, ids,
nested fields, counts, the progress overview and the KPI alike. Nested lists resolve
through per-request DataLoaders (one select per field per request, never N+1).

- :mod:`.types`: the output types, one module per entity (and the enums);
- :mod:`.inputs`: the mutations' input types;
- :mod:`.queries` / :mod:`.mutations`: the root ``Query`` and ``Mutation`` fields;
- :mod:`.extensions`: fields contributed onto stock's types (``Product.orderLines``);
- :mod:`.loaders`: DataLoader batch functions; :mod:`._common`: shared arguments and id conversion.
"""

from __future__ import annotations

from tenon.core.contributions import SchemaContribution


def contribution() -> SchemaContribution:
    """The orders plugin's GraphQL contribution: root fields and ``Product.orderLines``."""
    from .extensions import order_lines_field
    from .mutations import Mutation
    from .queries import Query

    return SchemaContribution(query=Query, mutation=Mutation, extend={"Product": [order_lines_field()]})

"""rework's GraphQL output types, one module per entity."""

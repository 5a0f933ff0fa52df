"""GraphQL output types of the orders plugin, one module per entity: :mod:`.regions`,
:mod:`.customers`, :mod:`.sales_orders` (lines, history, shipments), :mod:`.reports` (order
progress, delivery cycle time) and :mod:`.enums` (state, priority). Nested fields resolve through
the per-request DataLoaders of :mod:`..loaders` (and stock's ``load_product``): never N+1."""

"""GraphQL output types of the stock plugin, one module per entity: :mod:`.products` (master data),
:mod:`.moves` (the ledger), :mod:`.documents` (receipts, requisitions, shipments, transfers),
:mod:`.counts` (cycle counts, inventory accuracy), :mod:`.reports` (lot tracing, scanning, labels);
:mod:`.common` holds the output helpers. The DataLoader batch functions are in :mod:`..loaders`."""

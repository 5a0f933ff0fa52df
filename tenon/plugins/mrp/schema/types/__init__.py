"""mrp's GraphQL output types: :mod:`.master` (work centers, operations, routings, BOMs,
explosion), :mod:`.work_orders` (work orders, operations, reports), :mod:`.exceptions`
(production exceptions, KPI) and :mod:`.capacity` (work-center load)."""

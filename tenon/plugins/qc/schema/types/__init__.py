"""qc's GraphQL output types: :mod:`.plans` (plans, versions, check items), :mod:`.inspections`
(inspections, results, nonconformances) and :mod:`.kpi` (first-pass yield, ages)."""

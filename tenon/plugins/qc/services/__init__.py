"""qc's domain logic, one module per entity: :mod:`.plans` (versioned plans, check items),
:mod:`.sampling` (sample sizes), :mod:`.tolerances` (evaluating a value), :mod:`.inspections`
(creating, recording), :mod:`.holds` (quarantine, final release, the shipment gate),
:mod:`.nonconformances` (dispositions), :mod:`.kpi` (first-pass yield, open nonconformances by
age), :mod:`.notices` (after-commit notifications). Plain functions ``fn(session, ...)`` that
never commit."""

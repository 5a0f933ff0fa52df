"""mrp domain functions, one module per entity: ``work_centers``, ``library`` (operations and
routings), ``boms`` (BOMs and explosion), ``work_orders``, ``reporting`` (operation reports and
machine signals), ``exceptions``, ``capacity``, ``notices`` (after-commit notifications) and
``partners`` (the optional orders integration's entry points)."""

"""Orders domain: regions, customers, sales orders, shipping from stock (progress and the KPI are
in :mod:`tenon.plugins.orders.reports`; the order life cycle in :mod:`tenon.plugins.orders.workflows`).

Plain sync functions ``verb_noun(session, ...)``; they never commit. Every record a
caller names is loaded with an ORM ``select`` so the actor's row scope applies: a
record outside the actor's regions is ``NOT_FOUND``, exactly as if it did not exist.
Import from the module that defines a name (other plugins: from :mod:`tenon.plugins.orders`).

One module per entity:

- :mod:`.regions`: the region tree and the region row scope;
- :mod:`.customers`: customers;
- :mod:`.sales_orders`: create, edit, confirm, cancel, close (and :func:`~.sales_orders.apply`,
  through which every state change goes);
- :mod:`.production`: what production (mrp) drives (in production, produced, ready);
- :mod:`.shipping`: shipping from stock, following stock's shipment hooks;
- :mod:`._common`: sequences, the shipment origin type, number parsing.
"""

"""The stock domain: master data and the warehouse documents.

Plain sync functions ``verb_noun(session, ...)``; they raise :class:`tenon.TenonError`
subclasses and never commit. The ledger itself (moves, balances, reservations) is in
:mod:`tenon.plugins.stock.ledger`; the documents' life cycles in :mod:`tenon.plugins.stock.workflows`.
Import from the module that defines a name (other plugins: from :mod:`tenon.plugins.stock`).

One module per entity or document:

- :mod:`._common`: numbering sequences, move origins and small input helpers;
- :mod:`.products`: units, categories, products, warehouses, locations and lots (master data);
- :mod:`.receipts`, :mod:`.requisitions`, :mod:`.shipments`, :mod:`.transfers`: the documents;
- :mod:`.counts`: cycle counts and inventory accuracy;
- :mod:`.lots`: lot genealogy and traceability;
- :mod:`.scanning`: handheld scanning and label data;
- :mod:`.reservations`: stock held for other plugins' documents.
"""

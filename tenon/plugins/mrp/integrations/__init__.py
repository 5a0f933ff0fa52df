"""mrp's optional integrations, one module per partner plugin, imported only when the partner is
installed (``app.has_plugin(partner)``)."""

"""rework's optional integrations, one module per partner, imported only when it is installed."""

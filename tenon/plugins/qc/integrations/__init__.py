"""qc's code for optional partners: one module per partner, imported only when it is installed."""

"""devices' optional partners: :mod:`.mrp` (imported only when mrp is installed)."""

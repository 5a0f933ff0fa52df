"""rework's domain: plain functions ``fn(session, ...)`` that never commit.

- :mod:`.causes`: the cause categories;
- :mod:`.rework_orders`: opening rework orders (from a nonconformance, a work order, a lot, a
  customer return), responsibility, repair material;
- :mod:`.execution`: release (the rework work order, the goods into production, the
  requisition), the re-inspection, closing and cancelling;
- :mod:`.stats`: responsibility statistics;
- :mod:`.notices`: after-commit notifications (rework planners, the responsible work center's lead);
- :mod:`._common`: numbers, text, partner checks.
"""

"""studio's document life cycles: none (definitions and rules are switched on and off, not moved through states)."""

from __future__ import annotations

WORKFLOWS: tuple = ()

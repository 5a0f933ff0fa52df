"""Events studio declares: none yet (it reacts to every other plugin's events through its rules)."""

from __future__ import annotations

EVENTS: tuple[type, ...] = ()

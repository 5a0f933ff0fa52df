"""Demo data of studio: none yet (definitions and rules are what a site's users make)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("nothing to load: custom fields and rules are defined by the site's users")

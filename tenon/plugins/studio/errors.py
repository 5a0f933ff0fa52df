"""studio's error classes: stable codes clients branch on."""

from __future__ import annotations

from tenon.core.errors import ValidationError


class BadCondition(ValidationError):
    """A rule's condition does not parse or names something the event or entity does not have."""

    code = "VALIDATION"

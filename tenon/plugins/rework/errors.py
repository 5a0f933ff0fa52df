"""rework's error classes: stable codes clients branch on."""

from __future__ import annotations

from tenon.core.errors import TenonError


class NotShipped(TenonError):
    """A customer return asks for more than was shipped on the line and not yet returned
    (``details.returnable``)."""

    code = "NOT_SHIPPED"

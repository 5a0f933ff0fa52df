"""Stock error codes (API: never renamed)."""

from __future__ import annotations

from tenon.core.errors import TenonError


class InsufficientStock(TenonError):
    """An internal location does not hold enough available (on hand − reserved) stock."""

    code = "INSUFFICIENT_STOCK"


"""qc's error classes: stable codes clients branch on."""

from __future__ import annotations

from tenon.core.errors import TenonError


class NotReleased(TenonError):
    """A shipment contains finished goods not released by a final inspection, or quarantined
    lots; ``details.lines`` names them (``lineId``, ``productId``, ``lotId``, ``reason``)."""

    code = "NOT_RELEASED"


class DispositionUnavailable(TenonError):
    """The disposition asked for cannot be given here (``rework`` without a plugin that does it)."""

    code = "DISPOSITION_UNAVAILABLE"

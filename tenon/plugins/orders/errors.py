"""Error codes of the orders plugin (API: never renamed)."""

from __future__ import annotations

from tenon.core.errors import TenonError


class OverShipment(TenonError):
    """Shipping more than a line still has open (ordered − shipped − already in open shipments)."""

    code = "OVER_SHIPMENT"


class CreditLimitExceeded(TenonError):
    """Confirming the order would bring the customer's open orders over its credit limit
    (``details``: ``openValue``, ``creditLimit``)."""

    code = "CREDIT_LIMIT_EXCEEDED"

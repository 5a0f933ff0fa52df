"""mrp's error classes: stable codes clients branch on."""

from __future__ import annotations

from tenon.core.errors import TenonError


class OverReported(TenonError):
    """An operation would report more than the previous one released (or the work order's quantity)."""

    code = "OVER_REPORTED"


class WrongCountingSource(TenonError):
    """The work order counts reports from the other source (operator vs machine)."""

    code = "WRONG_COUNTING_SOURCE"


class ProductionStarted(TenonError):
    """A sales order cannot be cancelled: one of its work orders is in production or done."""

    code = "PRODUCTION_STARTED"


class OperationBlocked(TenonError):
    """The operation is held (e.g. by an open in-process inspection)."""

    code = "OPERATION_BLOCKED"


class NotBound(TenonError):
    """A device or operator acts on a work center it is not bound to."""

    code = "FORBIDDEN"

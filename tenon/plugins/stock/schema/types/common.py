"""What the stock GraphQL types share: number and id output."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from ... import ledger


def num(value: Any) -> Decimal:
    """A quantity for output: ``10`` rather than ``10.0000``, ``2.5`` rather than ``2.5000``."""
    d = ledger.dec(value)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))

"""What the orders services share: sequence and event names, the "argument not given" marker, number parsing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tenon.core.errors import ValidationError
from tenon.core.sequences import SequenceSpec

ORDER_SEQUENCE = "orders.sales_order"
CUSTOMER_SEQUENCE = "orders.customer"
SEQUENCES = [
    SequenceSpec(code=ORDER_SEQUENCE, prefix="SO-", date_format="%Y-", padding=5),
    SequenceSpec(code=CUSTOMER_SEQUENCE, prefix="C-", padding=5),
]
#: ``origin_type`` of the stock shipments this plugin asks for.
ORIGIN_TYPE = "orders.sales_order"
STATE_CHANGED = "orders.sales_order.state_changed"
ZERO = Decimal(0)

#: Default of optional arguments where ``None`` is a value (``credit_limit=None`` removes the limit).
_UNSET: Any = object()


def _decimal(value: Any, field_name: str) -> Decimal:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError("not a number", field=field_name) from None
    if not d.is_finite():
        raise ValidationError("not a number", field=field_name)
    return d

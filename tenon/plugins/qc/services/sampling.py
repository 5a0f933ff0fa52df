"""How many pieces of a quantity an inspection looks at: the plan version's sampling.

``sample_size(method, value, quantity)``; the quantity is counted in whole pieces (rounded up),
the result is at least 1 (for a positive quantity) and at most :data:`MAX_SAMPLES`:

==============  =====  ========  ===========  ==================================================
method          value  quantity  sample size  why
==============  =====  ========  ===========  ==================================================
``all``         —      120       120          every piece
``all``         —      2.5       3            whole pieces, rounded up
``first_n``     5      120       5            the first 5 pieces
``first_n``     5      3         3            never more than there are
``every_nth``   10     120       12           pieces 1, 11, 21, … 111
``every_nth``   10     125       13           … and piece 121
``every_nth``   10     7         1            piece 1
``percent``     2.5    120       3            120 × 2.5 % = 3
``percent``     2.5    40        1            40 × 2.5 % = 1
``percent``     10     41        5            4.1 rounded up
``all``         —      5000      1000         capped at :data:`MAX_SAMPLES`
==============  =====  ========  ===========  ==================================================
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from tenon.core.errors import ValidationError

from ..models import SAMPLING_METHODS

#: The most samples an inspection records per check (a declared limit: results stay bounded).
MAX_SAMPLES = 1000


def check_sampling(method: str, value: Any) -> Decimal | None:
    """Validate a plan's sampling: ``first_n``/``every_nth`` need a whole number 1 … 100000,
    ``percent`` a value above 0 and at most 100, ``all`` none. ``VALIDATION`` naming the field."""
    if method not in SAMPLING_METHODS:
        raise ValidationError(f"sampling method must be one of {', '.join(SAMPLING_METHODS)}", field="sampling.method")
    if method == "all":
        return None
    if value is None:
        raise ValidationError(f"sampling {method} needs a value", field="sampling.value")
    v = Decimal(str(value))
    if method == "percent":
        if not (0 < v <= 100) or v != v.quantize(Decimal("0.0001")):
            raise ValidationError("a sampling percentage is above 0 and at most 100 (4 decimals)",
                                  field="sampling.value")
        return v
    if v != v.to_integral_value() or not 1 <= v <= 100000:
        raise ValidationError(f"sampling {method} needs a whole number from 1 to 100000", field="sampling.value")
    return v


def sample_size(method: str, value: Any, quantity: Any) -> int:
    """The number of pieces to inspect (see the table in the module docstring)."""
    pieces = math.ceil(Decimal(str(quantity)))
    if pieces <= 0:
        return 0
    if method == "all":
        n = pieces
    elif method == "first_n":
        n = min(int(Decimal(str(value))), pieces)
    elif method == "every_nth":
        n = math.ceil(Decimal(pieces) / Decimal(str(value)))
    elif method == "percent":
        n = math.ceil(Decimal(pieces) * Decimal(str(value)) / 100)
    else:
        raise ValueError(f"unknown sampling method {method!r}")
    return max(1, min(n, MAX_SAMPLES))

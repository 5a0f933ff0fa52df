"""Evaluating a recorded value against its check item.

A measurement passes when ``nominal + lower_tolerance ≤ value ≤ nominal + upper_tolerance``:
both limits are **inclusive**, computed in :class:`~decimal.Decimal` (no binary rounding), and a
missing tolerance means no limit on that side. The value may have at most the item's
``decimals`` decimals (``VALIDATION`` otherwise: a caliper reading of 25.051 on a 2-decimal item
is a typing error, not a measurement).

Worked example: item ``Ø bore``, nominal 25.00 mm, lower tolerance −0.05, upper tolerance
+0.05, 2 decimals; the limits are 24.95 and 25.05:

=========  =======  ====================================
value      verdict  why
=========  =======  ====================================
25.00      pass     nominal
24.95      pass     on the lower limit (inclusive)
25.05      pass     on the upper limit (inclusive)
24.94      fail     0.01 below the lower limit
25.06      fail     0.01 above the upper limit
25.051     —        ``VALIDATION``: more than 2 decimals
=========  =======  ====================================

With 3 decimals the same item takes 25.050 (pass) and 25.051 (fail, just past the limit).

A pass/fail item takes ``pass`` or ``fail`` (also ``ok``/``ng``, any case); a text item takes any
non-empty text up to 500 characters and always passes (it is information, like a supplier
certificate number).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenon.core.errors import ValidationError

from ..models import CheckItem
from ._common import decimal_in

PASS_WORDS = {"pass": True, "ok": True, "fail": False, "ng": False}


@dataclass(frozen=True)
class Verdict:
    """A value as stored: the measured number or the text, and whether it passes."""

    measured: Decimal | None
    text: str | None
    passed: bool


def limits(item: CheckItem) -> tuple[Decimal | None, Decimal | None]:
    """The inclusive (lower, upper) limits of a measurement item; ``None`` for no limit."""
    nominal = Decimal(str(item.nominal))
    lo = nominal + Decimal(str(item.lower_tolerance)) if item.lower_tolerance is not None else None
    hi = nominal + Decimal(str(item.upper_tolerance)) if item.upper_tolerance is not None else None
    return lo, hi


def evaluate(item: CheckItem, value: Any, field: str = "value") -> Verdict:
    """The verdict on ``value`` for ``item`` (see the module docstring)."""
    raw = ("" if value is None else str(value)).strip()
    if not raw:
        raise ValidationError("a value is required", field=field)
    if item.kind == "measurement":
        v = decimal_in(raw, field, places=item.decimals)
        lo, hi = limits(item)
        ok = (lo is None or v >= lo) and (hi is None or v <= hi)
        return Verdict(measured=v, text=None, passed=ok)
    if item.kind == "pass_fail":
        word = raw.lower()
        if word not in PASS_WORDS:
            raise ValidationError("a pass/fail check takes pass or fail", field=field)
        return Verdict(measured=None, text="pass" if PASS_WORDS[word] else "fail", passed=PASS_WORDS[word])
    if len(raw) > 500:
        raise ValidationError("a text value is at most 500 characters", field=field)
    return Verdict(measured=None, text=raw, passed=True)

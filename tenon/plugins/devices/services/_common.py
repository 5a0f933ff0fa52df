"""Small helpers shared by devices' services."""

from __future__ import annotations

from typing import Any

from tenon.core.errors import ValidationError


def text(value: Any, field: str, *, max_len: int, required: bool = True) -> str | None:
    """A stripped string of at most ``max_len`` characters (``VALIDATION`` naming ``field``)."""
    s = "" if value is None else str(value).strip()
    if not s:
        if required:
            raise ValidationError(f"{field} is required", field=field)
        return None
    if len(s) > max_len:
        raise ValidationError(f"{field} has at most {max_len} characters", field=field)
    return s


def bounded(value: Any, field: str, lo: int, hi: int) -> int:
    """An integer in ``lo .. hi`` (``VALIDATION`` naming ``field``)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be an integer", field=field) from None
    if not lo <= n <= hi:
        raise ValidationError(f"{field} must be between {lo} and {hi}", field=field)
    return n

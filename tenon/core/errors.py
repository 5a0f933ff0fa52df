"""Domain errors with stable codes: the only exceptions a client ever sees by name."""

from __future__ import annotations

from typing import Any


class TenonError(Exception):
    """A business failure the caller can act on.

    ``code`` is API: clients branch on it, so a code is never renamed. The
    message is for humans and may change. ``field`` names the offending input
    path (``lines[2].quantity``) when there is one.
    """

    code: str = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.details = details or {}

    def __str__(self) -> str:
        return self.message


class NotFound(TenonError):
    code = "NOT_FOUND"


class Forbidden(TenonError):
    code = "FORBIDDEN"


class Unauthenticated(TenonError):
    code = "UNAUTHENTICATED"


class ValidationError(TenonError):
    code = "VALIDATION"


class InvalidState(TenonError):
    """The record is not in a state that allows the requested step (``details``: ``state``,
    ``action``, ``allowedFrom``). Raised by :mod:`tenon.core.workflow` for every plugin."""

    code = "INVALID_STATE"


class Conflict(TenonError):
    """Optimistic-lock or uniqueness conflict: reload and try again."""

    code = "CONFLICT"


class TooManyAttempts(TenonError):
    code = "TOO_MANY_ATTEMPTS"


class PluginError(TenonError):
    """A plugin set that cannot be loaded, installed or removed."""

    code = "PLUGIN_ERROR"


class ConfigError(TenonError):
    code = "CONFIG_ERROR"

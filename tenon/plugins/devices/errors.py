"""devices' error classes: stable codes clients branch on."""

from __future__ import annotations

from tenon.core.errors import TenonError


class PrinterUnreachable(TenonError):
    """A network printer refused or dropped the connection (the print job is retried)."""

    code = "PRINTER_UNREACHABLE"


class NotAPrinter(TenonError):
    """The device named as printer is not an active label printer with a host."""

    code = "NOT_A_PRINTER"


class BadMessage(TenonError):
    """An MQTT message that cannot be mapped to a machine signal (logged and counted)."""

    code = "BAD_MESSAGE"

"""The events qc publishes (declared with ``tenon_events``), delivered after commit.

Quantities are decimal strings (``"30.0000"``). To react inside qc's transaction implement qc's
owned hooks (:mod:`tenon.plugins.qc.hookspecs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class InspectionCreated(Event):
    """An inspection is waiting for its results (the plan's inspector is notified)."""

    name: ClassVar[str] = "qc.inspection.created"
    inspection_id: int
    number: str
    stage: str
    product_id: int
    inspector: str | None = None


@dataclass(frozen=True)
class InspectionPassed(Event):
    """An inspection's result became final and it passed (its goods are released)."""

    name: ClassVar[str] = "qc.inspection.passed"
    inspection_id: int
    number: str
    stage: str
    product_id: int
    quantity: str
    lot_id: int | None = None
    work_order_id: int | None = None


@dataclass(frozen=True)
class InspectionFailed(Event):
    """An inspection's result became final and it failed: a nonconformance is open."""

    name: ClassVar[str] = "qc.inspection.failed"
    inspection_id: int
    number: str
    stage: str
    product_id: int
    quantity: str
    nonconformance_id: int
    lot_id: int | None = None
    work_order_id: int | None = None


@dataclass(frozen=True)
class NonconformanceDisposed(Event):
    """A nonconformance was given a disposition (scrap, rework or use as is)."""

    name: ClassVar[str] = "qc.nonconformance.disposed"
    nonconformance_id: int
    number: str
    disposition: str
    inspection_id: int


EVENTS = (InspectionCreated, InspectionPassed, InspectionFailed, NonconformanceDisposed)

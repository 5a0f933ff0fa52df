"""qc: the public API other plugins may import (declare ``depends=("qc>=0.1",)`` or
``optional=("qc",)``).

Owned hooks (rework): :mod:`tenon.plugins.qc.hookspecs` (``tenon_qc_rework_disposed``,
``tenon_qc_inspection_recorded``). After-commit events: the classes below. ``create_inspection``
opens an inspection at a stage with the plan that applies; ``release_status`` says whether a
lot is quarantined, held for its final release, released, handed over or scrapped;
``hand_over_holds`` ends qc's holds on goods another plugin takes (rework takes failed goods:
the holds end ``handed_over`` to the rework order, and the shipment gate stops counting them).

GraphQL: ``InspectionType``, ``NonconformanceType`` and ``InspectionPlanType`` are the strawberry
types named ``Inspection``, ``Nonconformance`` and ``InspectionPlan`` (another plugin may add
fields to them with ``SchemaContribution(extend={"Nonconformance": [...]})``).
"""

from tenon.plugins.qc.errors import DispositionUnavailable, NotReleased
from tenon.plugins.qc.events import InspectionCreated, InspectionFailed, InspectionPassed, NonconformanceDisposed
from tenon.plugins.qc.models import CheckItem, Hold, Inspection, InspectionPlan, InspectionResult, Nonconformance, PlanVersion
from tenon.plugins.qc.schema.types.inspections import InspectionType, NonconformanceType
from tenon.plugins.qc.schema.types.plans import InspectionPlanType
from tenon.plugins.qc.services.holds import hand_over_holds, release_status
from tenon.plugins.qc.services.inspections import create_inspection, record_results
from tenon.plugins.qc.services.nonconformances import close as close_nonconformance
from tenon.plugins.qc.services.nonconformances import dispose
from tenon.plugins.qc.services.sampling import sample_size
from tenon.plugins.qc.workflows import INSPECTION, NONCONFORMANCE

__all__ = [
    "INSPECTION", "NONCONFORMANCE",
    "CheckItem", "DispositionUnavailable", "Hold", "Inspection", "InspectionCreated", "InspectionFailed",
    "InspectionPassed", "InspectionPlan", "InspectionPlanType", "InspectionResult", "InspectionType",
    "Nonconformance", "NonconformanceDisposed", "NonconformanceType", "NotReleased", "PlanVersion",
    "close_nonconformance", "create_inspection", "hand_over_holds", "dispose", "record_results", "release_status", "sample_size",
]

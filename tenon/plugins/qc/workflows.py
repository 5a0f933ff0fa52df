"""Life cycles of qc's documents, on :mod:`tenon.core.workflow`.

Inspection::

    open ──pass──▶ passed
      └───fail───▶ failed

After either, :mod:`.services.inspections` releases the goods (or opens the nonconformance), then
notifies ``tenon_qc_inspection_recorded`` (owned by qc) once and publishes
``qc.inspection.passed`` / ``qc.inspection.failed``.

Nonconformance::

    open ──dispose──▶ dispositioned ──close──▶ closed

``dispose`` with ``rework`` notifies ``tenon_qc_rework_disposed`` (the services call it, only
for that disposition); ``close`` is for the plugin that carries out a rework, or a quality
manager, once it is done (scrap and use as is close at once).
"""

from __future__ import annotations

from tenon.core.workflow import Transition, Workflow

INSPECTION = Workflow(
    name="qc.inspection", label="inspection", subject="inspection",
    states=("open", "passed", "failed"),
    transitions=[
        Transition("pass", ("open",), "passed", verb="passed"),
        Transition("fail", ("open",), "failed", verb="failed"),
    ],
)

NONCONFORMANCE = Workflow(
    name="qc.nonconformance", label="nonconformance", subject="nonconformance",
    states=("open", "dispositioned", "closed"),
    transitions=[
        Transition("dispose", ("open",), "dispositioned", verb="dispositioned"),
        Transition("close", ("dispositioned",), "closed", verb="closed"),
    ],
)

WORKFLOWS = (INSPECTION, NONCONFORMANCE)

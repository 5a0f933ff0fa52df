"""Life cycles of devices' records, on :mod:`tenon.core.workflow`.

Print job::

    queued ──send──▶ sent
      └────fail──▶ failed ──retry──▶ queued

Device health (``health``)::

    unknown/silent ──report──▶ ok        unknown/ok ──silence──▶ silent

``silence`` publishes ``devices.device.silenced`` (the work center's lead is notified).
"""

from __future__ import annotations

from tenon.core.workflow import StateChange, Transition, Workflow

from .events import DeviceSilenced


def _silenced(change: StateChange) -> DeviceSilenced | None:
    if change.to_state != "silent":
        return None
    d = change.record
    return DeviceSilenced(device_id=d.id, code=d.code, work_center_code=d.work_center_code,
                          last_seen_at=d.last_seen_at.isoformat() if d.last_seen_at else None)


PRINT_JOB = Workflow(
    name="devices.print_job", label="print job", subject="print_job",
    states=("queued", "sent", "failed"),
    transitions=[
        Transition("send", ("queued",), "sent", verb="sent"),
        Transition("fail", ("queued",), "failed", verb="failed"),
        Transition("retry", ("failed",), "queued", verb="queued again"),
    ],
)

DEVICE_HEALTH = Workflow(
    name="devices.device", label="device", subject="device", state_attr="health",
    describe=lambda d: d.code,
    states=("unknown", "ok", "silent"),
    transitions=[
        Transition("report", ("unknown", "silent"), "ok", verb="reported"),
        Transition("silence", ("unknown", "ok"), "silent", verb="silenced"),
    ],
    event=_silenced,
)

WORKFLOWS = (PRINT_JOB, DEVICE_HEALTH)

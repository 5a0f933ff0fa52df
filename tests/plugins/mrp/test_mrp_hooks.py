"""mrp's owned hooks and events as qc and rework would use them, and linked (rework) work orders."""

from __future__ import annotations

import time

from tenon import PluginInfo, TenonError, hookimpl
from tenon.core.events import Subscriber, deliver_outbox

from .helpers import FINISH_WO, RELEASE_WO, WO, USERS, api_user, build_shop, dec, new_work_order, report, MrpSite


class InspectionPending(TenonError):
    code = "INSPECTION_PENDING"


class FakeQc:
    """Holds the next operation after each report until ``release`` is called; refuses finishing
    until ``passed``; records what mrp told it, in and after the transaction."""

    __name__ = "FakeQc"

    def __init__(self) -> None:
        self.passed = False
        self.reported: list[tuple[str, str]] = []
        self.done: list[str] = []
        self.events: list[tuple[str, str]] = []

    @staticmethod
    def tenon_plugin_info():
        return PluginInfo(name="fakeqc", version="0.1", depends=("mrp",))

    @hookimpl
    def tenon_mrp_operation_reported(self, session, work_order, operation, report):
        from tenon.plugins.mrp import block_operation

        self.reported.append((operation.name, f"{report.good_quantity:.0f}"))
        if operation.name == "Turning":
            block_operation(session, operation.id, next_step=True)

    @hookimpl
    def tenon_mrp_work_order_finishing(self, session, work_order):
        if not self.passed:
            raise InspectionPending(f"final inspection of {work_order.number} is not recorded")

    @hookimpl
    def tenon_mrp_work_order_done(self, work_order):
        self.done.append(work_order.number)

    @hookimpl
    def tenon_event_subscribers(self, app):
        from tenon.plugins.mrp import WorkOrderDone

        return [Subscriber(WorkOrderDone, lambda s, e: self.events.append((e.number, e.produced_quantity)),
                           name="fakeqc.done")]


def test_qc_holds_operations_vetoes_finishing_and_hears_done(make_app, make_client):
    qc = FakeQc()
    app = make_app(plugins=["stock", "mrp", "fakeqc"], extra_plugins=[qc])
    base = make_client(app)
    site = MrpSite(app, {n: base.as_token(api_user(app, n, r, a)) for n, (r, a) in USERS.items()})
    build_shop(site)
    wo = new_work_order(site, 10)
    turn, assy = wo["operations"]
    assert "errors" not in report(site.op_cnc, turn["id"], 10)
    assert qc.reported == [("Turning", "10")]
    err = report(site.op_asm, assy["id"], 10)["errors"][0]
    assert err["extensions"]["code"] == "OPERATION_BLOCKED"
    with app.transaction() as s:
        from tenon.plugins.mrp import block_operation

        block_operation(s, int(assy["id"]), blocked=False)
    assert "errors" not in report(site.op_asm, assy["id"], 10)
    err = site.planner.error(FINISH_WO, {"id": wo["id"], "b": False})
    assert err["extensions"]["code"] == "INSPECTION_PENDING"
    assert site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["state"] == "IN_PROGRESS"
    assert qc.done == []
    qc.passed = True
    assert site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})["workOrderFinish"]["state"] == "DONE"
    assert qc.done == [wo["number"]]
    for _ in range(50):  # the server's outbox worker may be delivering it too (at least once)
        deliver_outbox(app)
        if qc.events:
            break
        time.sleep(0.1)
    assert set(qc.events) == {(wo["number"], "10.0000")}


def test_a_linked_rework_order_has_only_the_chosen_operations(make_app, make_client):
    from .helpers import mrp_site

    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 10)
    from tenon.plugins.mrp import create_linked_work_order

    with site.app.transaction() as s:
        rw = create_linked_work_order(s, int(wo["id"]), kind="rework", quantity=3, operation_ids=[int(site.ids["ASSY"])])
        rw_id = str(rw.id)
    got = site.planner.ok(RELEASE_WO, {"id": rw_id})["workOrderRelease"]
    assert (got["kind"], got["parentId"], dec(got["quantity"]), got["requisitionId"]) == ("rework", wo["id"], dec(3), None)
    assert [(o["name"], o["state"]) for o in got["operations"]] == [("Assembly", "READY")]
    with site.app.transaction() as s:
        try:
            create_linked_work_order(s, int(wo["id"]), quantity=1, operation_ids=[987654])
        except TenonError as exc:
            assert (exc.code, exc.field) == ("VALIDATION", "operationIds")
        else:
            raise AssertionError("an unknown operation was accepted")

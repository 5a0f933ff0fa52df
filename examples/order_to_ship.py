#!/usr/bin/env python3
"""Order to shipment, make-to-order, over the GraphQL API as outside clients do it (standard library only).

Every step is a separate person (or machine) with their own sign-in, talking HTTP to one endpoint:

 1. sales rep     signs in, creates a sales order for a make-to-order product and confirms it
                  (confirmation gives each make-to-order line a work order);
 2. planner       releases the order's work orders (BOM explosion → an approved requisition);
 3. clerk         scans the requisition's number and issues the materials to production;
 4. operator      reports the first operation (machining) at his work center;
 5. device        (an API token) reports the second operation (leak test) with an idempotency
                  key, and replays the same signal once: it is counted once (a work order counts
                  one source's reports, so the planner first hands it to the machine);
 6. planner       finishes the work order (the goods are in stock, held by quality when the
                  product has a final inspection plan; the order is ready);
 7. inspector     records a passing final inspection of each work order (qc plugin): every check
                  item of every sample; passing releases the goods for shipment;
 8. clerk         ships the order and confirms the stock shipment;
 9. sales rep     closes the order: done;
10. failing path  (qc and rework plugins) a second order, made the same way, fails its final
                  inspection (leak rate): the clerk's shipment is refused (NOT_RELEASED); the
                  quality manager disposes the nonconformance REWORK, which opens a rework order;
                  the rework planner releases it (a rework work order); operator and device report
                  its operations, the planner finishes it; the inspector's re-inspection passes;
                  the clerk's shipment now goes through and the rep closes the second order: done.

The script reads which plugins the site has from the schema and says which steps it skips.

    python examples/order_to_ship.py http://127.0.0.1:8000 --device-token "$(tenon users token leak01)"

Defaults match the demo site (``tenon demo``): rep ``rep_east``, planner ``planner``, clerk
``clerk``, operator ``op_cnc`` (work center CNC), device ``leak01`` (work center LEAK), inspector
``qc_chen``, quality manager ``qm_liu``, rework planner ``rwk_zhou``, product
``FG-MH220`` (make-to-order, routing CNC → LEAK); passwords are ``<username>-demo``. Without
``--device-token`` the device signs in with its password (a session token instead of an API token).
Exit status 0 when the order (and, with qc and rework, the reworked order) ends DONE.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TextIO


class ApiError(Exception):
    """The server answered with GraphQL errors (or not at all); ``code`` is the error's stable code."""

    def __init__(self, message: str, code: str = "?") -> None:
        super().__init__(message)
        self.code = code


class Client:
    """A tiny GraphQL-over-HTTP client: POST {query, variables} with a bearer token."""

    def __init__(self, base_url: str, token: str | None = None, who: str = "anonymous") -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self.who = who

    def __call__(self, query: str, headers: dict[str, str] | None = None, **variables: Any) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(self.base + "/graphql", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **(headers or {})})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ApiError(f"HTTP {exc.code}: {exc.read().decode(errors='replace')[:500]}") from None
        if payload.get("errors"):
            first = payload["errors"][0]
            code = (first.get("extensions") or {}).get("code", "?")
            raise ApiError(f"{self.who}: {code}: {first.get('message')}", code)
        return payload["data"]

    def login(self, username: str, password: str) -> Client:
        data = self("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                    u=username, p=password)
        return Client(self.base, data["login"]["token"], who=username)


WO_FIELDS = "id number state quantity producedQuantity requisitionId operations { id sequence name state goodQuantity workCenter { code } }"


@dataclass
class Flow:
    """What the steps share: the people's clients and the documents made so far."""

    base_url: str
    users: dict[str, tuple[str, str]]
    device_token: str | None
    product_code: str
    quantity: Decimal
    out: TextIO = sys.stdout
    clients: dict[str, Client] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)
    work_orders: list[dict[str, Any]] = field(default_factory=list)
    mutations: set[str] = field(default_factory=set)
    product_id: str = ""
    rework_state: str | None = None

    def say(self, who: str, message: str) -> None:
        print(f"{who}: {message}", file=self.out)

    def as_(self, role: str) -> Client:
        """The signed-in client of the person playing ``role`` (signs in on first use)."""
        if role not in self.clients:
            username, password = self.users[role]
            if role == "device" and self.device_token:
                self.clients[role] = Client(self.base_url, self.device_token, who=username)
            else:
                self.clients[role] = Client(self.base_url).login(username, password)
        return self.clients[role]

    def name(self, role: str) -> str:
        return self.users[role][0]

    def work_order(self, role: str, wo_id: str) -> dict[str, Any]:
        return self.as_(role)(f"query($id: ID!) {{ workOrder(id: $id) {{ {WO_FIELDS} }} }}", id=wo_id)["workOrder"]


def discover(flow: Flow) -> None:
    """Which plugins' steps this site offers: read from the schema (signed in, as introspection asks)."""
    rep = flow.as_("rep")
    fields = rep("{ __type(name: \"Mutation\") { fields { name } } }")["__type"]["fields"]
    flow.mutations = {f["name"] for f in fields}
    qc = sorted(m for m in flow.mutations if "nspection" in m)
    rework = sorted(m for m in flow.mutations if m.lower().startswith("rework"))
    flow.say("site", f"qc plugin: {'installed (' + ', '.join(qc) + ')' if qc else 'not installed'}; "
                     f"rework plugin: {'installed (' + ', '.join(rework) + ')' if rework else 'not installed'}")


def sell(flow: Flow, reference: str = "EXAMPLE-MTO") -> None:
    """1. The sales rep creates and confirms a make-to-order sales order."""
    rep, who = flow.as_("rep"), flow.name("rep")
    customers = rep("{ customers(first: 1) { nodes { id code name regionCode } } }")["customers"]["nodes"]
    if not customers:
        raise ApiError(f"{who} has no customer in her regions")
    customer = customers[0]
    products = rep("query($s: String!) { products(filter: {search: $s}, first: 10) { nodes { id code name } } }",
                   s=flow.product_code)["products"]["nodes"]
    product = next((p for p in products if p["code"] == flow.product_code), None)
    if product is None:
        raise ApiError(f"no product {flow.product_code}")
    order = rep("""mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id number state } }""",
                i={"customerId": customer["id"], "customerReference": reference, "priority": "HIGH",
                   "lines": [{"productId": product["id"], "quantity": str(flow.quantity), "unitPrice": "186.00"}]}
                )["salesOrderCreate"]
    flow.order, flow.product_id = order, product["id"]
    flow.say(who, f"created {order['number']} for {customer['code']} {customer['name']} ({customer['regionCode']}): "
                  f"{flow.quantity} x {product['code']} {product['name']}")
    state = rep("mutation($id: ID!) { salesOrderConfirm(id: $id) { state } }", id=order["id"])
    flow.say(who, f"confirmed {order['number']} -> {state['salesOrderConfirm']['state']}")


def release(flow: Flow) -> None:
    """2. The planner releases the work orders the confirmation made."""
    planner, who = flow.as_("planner"), flow.name("planner")
    wos = planner("query($o: ID!) { workOrders(originId: $o) { nodes { id number state } } }",
                  o=flow.order["id"])["workOrders"]["nodes"]
    if not wos:
        raise ApiError(f"{flow.order['number']} got no work order: is {flow.product_code} make-to-order "
                       f"(productMrpSettingSet) and is mrp installed?")
    for wo in wos:
        done = planner(f"mutation($id: ID!) {{ workOrderRelease(id: $id) {{ {WO_FIELDS} }} }}",
                       id=wo["id"])["workOrderRelease"]
        flow.work_orders.append(done)
        route = " -> ".join(f"{op['sequence']} {op['name']} @{op['workCenter']['code']}" for op in done["operations"])
        flow.say(who, f"released {done['number']} ({done['quantity']} pcs) -> {done['state']}; route: {route}")


def issue(flow: Flow) -> None:
    """3. The clerk scans each requisition's number and issues everything open."""
    clerk, who = flow.as_("clerk"), flow.name("clerk")
    for wo in flow.work_orders:
        if wo["requisitionId"] is None:
            flow.say(who, f"{wo['number']} needs no material")
            continue
        number = clerk("query($id: ID!) { requisition(id: $id) { number } }", id=wo["requisitionId"])["requisition"]["number"]
        scanned = clerk("query($c: String!) { scan(code: $c) { kind documentType documentId number state } }",
                        c=number)["scan"]
        if scanned["kind"] != "DOCUMENT" or scanned["documentType"] != "stock.requisition":
            raise ApiError(f"scanning {number} found {scanned['kind']}, not a requisition")
        req = clerk("""mutation($id: ID!) { requisitionIssue(id: $id) { number state
                         lines { issuedQuantity product { code } } } }""", id=scanned["documentId"])["requisitionIssue"]
        lines = ", ".join(f"{ln['issuedQuantity']} {ln['product']['code']}" for ln in req["lines"])
        flow.say(who, f"scanned {number} ({scanned['state']}), issued {lines} -> {req['state']}")


def operate(flow: Flow) -> None:
    """4. The operator reports the first operation of each work order."""
    op_client, who = flow.as_("operator"), flow.name("operator")
    for wo in flow.work_orders:
        first = wo["operations"][0]
        report = op_client("""mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) {
                                goodQuantity operator } }""",
                           i={"operationId": first["id"], "good": wo["quantity"], "minutes": "42"})
        flow.say(who, f"reported {report['workOrderOperationReport']['goodQuantity']} good on {wo['number']} "
                      f"op {first['sequence']} {first['name']}")


def signal(flow: Flow) -> None:
    """5. The machine reports the second operation with an idempotency key and replays it once."""
    device, who = flow.as_("device"), flow.name("device")
    for wo in flow.work_orders:
        # A work order counts one source's reports (never both): the planner hands it to the machine.
        src = flow.as_("planner")("""mutation($id: ID!) { workOrderSetCountingSource(id: $id, countingSource: MACHINE) {
                                      countingSource } }""", id=wo["id"])["workOrderSetCountingSource"]
        flow.say(flow.name("planner"), f"{wo['number']} counts {src['countingSource']} reports from now on")
        key = f"{who}-{wo['number']}-cycle-1"
        query = """mutation($i: OperationSignalInput!) { workOrderOperationSignal(input: $i) {
                     duplicate report { id goodQuantity source } } }"""
        variables = {"workOrderId": wo["id"], "quantity": wo["quantity"], "idempotencyKey": key}
        first = device(query, i=variables)["workOrderOperationSignal"]
        replay = device(query, i=variables)["workOrderOperationSignal"]
        second = flow.work_order("planner", wo["id"])["operations"][1]
        flow.say(who, f"signalled {first['report']['goodQuantity']} on {wo['number']} (key {key}, "
                      f"duplicate: {str(first['duplicate']).lower()}); replay -> duplicate: "
                      f"{str(replay['duplicate']).lower()}, same report: {str(replay['report']['id'] == first['report']['id']).lower()}; "
                      f"op {second['sequence']} good {second['goodQuantity']} ({second['state']})")
        if Decimal(second["goodQuantity"]) != Decimal(wo["quantity"]):
            raise ApiError(f"the replayed signal was counted twice: {second['goodQuantity']}")


INSPECTION_FIELDS = """id number state stage reinspection quantity sampleSize lotId missingValues
    planVersion { items { code name kind nominal lowerLimit upperLimit unit decimals required } }
    nonconformance { id number state }"""


def _has_qc(flow: Flow) -> bool:
    return "inspectionRecord" in flow.mutations


def _value(item: dict[str, Any], fail: bool) -> str:
    """A passing reading (the middle of the limits, or the nominal), or one just past the upper limit."""
    if item["kind"] == "PASS_FAIL":
        return "pass"
    if item["kind"] == "TEXT":
        return "ok"
    step = Decimal(1).scaleb(-int(item["decimals"]))
    lo = Decimal(item["lowerLimit"]) if item["lowerLimit"] is not None else None
    hi = Decimal(item["upperLimit"]) if item["upperLimit"] is not None else None
    if fail:
        return str((hi + step * 5) if hi is not None else (lo - step * 5))
    if lo is not None and hi is not None:
        return str(((lo + hi) / 2).quantize(step))
    return str(Decimal(item["nominal"]).quantize(step))


def inspect(flow: Flow, fail_item: str | None = None) -> list[dict[str, Any]]:
    """7. The inspector records each work order's final inspection: every item of every sample
    passing, or (``fail_item``) that item over its limit on the first sample. Returns the inspections."""
    if not _has_qc(flow):
        flow.say("inspector", "skipped: the qc plugin is not installed on this site (no final inspection)")
        return []
    inspector, who = flow.as_("inspector"), flow.name("inspector")
    done = []
    for wo in flow.work_orders:
        found = inspector(f"""query($w: ID!) {{ inspections(workOrderId: $w, stage: FINAL, states: [OPEN]) {{
                              nodes {{ {INSPECTION_FIELDS} }} }} }}""", w=wo["id"])["inspections"]["nodes"]
        if not found:
            flow.say(who, f"{wo['number']} has no final inspection waiting (its product has no final plan)")
            continue
        insp = found[0]
        items = insp["planVersion"]["items"]
        values = [{"item": it["code"], "sampleNo": n,
                   "value": _value(it, fail=(it["code"] == fail_item and n == 1))}
                  for n in range(1, insp["sampleSize"] + 1) for it in items]
        got = inspector(f"""mutation($id: ID!, $v: [InspectionValueInput!]!) {{ inspectionRecord(id: $id, values: $v) {{
                           {INSPECTION_FIELDS} }} }}""", id=insp["id"], v=values)["inspectionRecord"]
        kind = "re-inspection" if got["reinspection"] else "final inspection"
        readings = "; ".join(f"{it['name']} {v['value']}{' ' + it['unit'] if it['unit'] else ''}"
                             for it in items for v in values[:len(items)] if v["item"] == it["code"])
        flow.say(who, f"{kind} {got['number']} of {wo['number']} ({got['quantity']} pcs, {got['sampleSize']} "
                      f"samples x {len(items)} checks; sample 1: {readings}) -> {got['state']}")
        if got["state"] == "PASSED" and got["lotId"]:
            status = inspector("query($l: ID!) { lotReleaseStatus(lotId: $l) }", l=got["lotId"])["lotReleaseStatus"]
            flow.say(who, f"lot of {wo['number']}: {status} for shipment")
        if got["nonconformance"]:
            flow.say(who, f"{got['number']} opened nonconformance {got['nonconformance']['number']} "
                          f"({got['nonconformance']['state']}); the goods stay held")
        done.append(got)
    return done


def finish(flow: Flow) -> None:
    """6. The planner finishes each work order (all operations done, the goods in stock; with qc
    and a final plan for the product, qc opens the work order's final inspection)."""
    planner, who = flow.as_("planner"), flow.name("planner")
    for wo in flow.work_orders:
        done = planner(f"mutation($id: ID!) {{ workOrderFinish(id: $id, backorder: false) {{ {WO_FIELDS} }} }}",
                       id=wo["id"])["workOrderFinish"]
        flow.say(who, f"finished {done['number']}: produced {done['producedQuantity']} -> {done['state']}")
    state = flow.as_("rep")("query($id: ID!) { salesOrder(id: $id) { state } }", id=flow.order["id"])
    flow.say(flow.name("rep"), f"{flow.order['number']} is {state['salesOrder']['state']}")


def ship(flow: Flow) -> None:
    """8. The clerk ships the order from stock and confirms the shipment."""
    clerk, who = flow.as_("clerk"), flow.name("clerk")
    shipment = clerk("mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number state } }",
                     i={"orderId": flow.order["id"]})["salesOrderShip"]
    flow.say(who, f"shipment {shipment['number']} for {flow.order['number']} ({shipment['state']})")
    done = clerk("mutation($id: ID!) { shipmentConfirm(id: $id) { number state } }", id=shipment["id"])["shipmentConfirm"]
    flow.say(who, f"confirmed shipment {done['number']} -> {done['state']}")


def close(flow: Flow) -> None:
    """9. The sales rep closes the fully shipped order."""
    rep, who = flow.as_("rep"), flow.name("rep")
    state = rep("mutation($id: ID!) { salesOrderClose(id: $id) { state } }", id=flow.order["id"])
    flow.say(who, f"closed {flow.order['number']} -> {state['salesOrderClose']['state']}")


def rework(flow: Flow) -> None:
    """10. A second order whose final inspection fails, through a rework order to shipment: needs qc and rework."""
    has_rework = "reworkOrderRelease" in flow.mutations
    has_qc = _has_qc(flow)
    if not (has_qc and has_rework):
        missing = " and ".join(n for n, there in (("qc", has_qc), ("rework", has_rework)) if not there)
        flow.say("failing path", f"skipped: the {missing} plugin{'s are' if ' and ' in missing else ' is'} "
                                 f"not installed on this site")
        return
    second = replace(flow, order={}, work_orders=[])  # the same people (shared sign-ins), a new order
    flow.say("failing path", "a second order, made the same way, fails its final inspection")
    sell(second, reference="EXAMPLE-MTO-REWORK")
    for step in (release, issue, operate, signal, finish):
        step(second)
    failed = [i for i in inspect(second, fail_item="LEAK") if i["state"] == "FAILED"]
    if not failed:
        raise ApiError("the failing final inspection did not fail")
    clerk, clerk_name = second.as_("clerk"), second.name("clerk")
    shipment = clerk("mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number state } }",
                     i={"orderId": second.order["id"]})["salesOrderShip"]
    try:
        clerk("mutation($id: ID!) { shipmentConfirm(id: $id) { state } }", id=shipment["id"])
    except ApiError as exc:
        if exc.code != "NOT_RELEASED":
            raise
        flow.say(clerk_name, f"shipment {shipment['number']} for {second.order['number']} refused: {exc.code} "
                             f"({str(exc).split(': ', 2)[-1]}); it stays a draft")
    else:
        raise ApiError(f"shipment {shipment['number']} went out before quality released the goods")
    qm, qm_name = second.as_("quality_manager"), second.name("quality_manager")
    planner_name = second.name("planner")
    for insp in failed:
        nc = qm("""mutation($i: NonconformanceDisposeInput!) { nonconformanceDispose(input: $i) {
                     id number state disposition } }""",
                i={"id": insp["nonconformance"]["id"], "disposition": "REWORK",
                   "reason": "leak rate over the limit: re-machine the sealing face and re-test"})["nonconformanceDispose"]
        flow.say(qm_name, f"disposed {nc['number']} {nc['disposition']} -> {nc['state']}")
        planner = second.as_("rework_planner")
        orders = planner("""query($p: ID!) { reworkOrders(filter: {productId: $p, state: OPEN}, first: 20) {
                              nodes { id number state quantity nonconformanceId originalWorkOrderId } } }""",
                         p=second.product_id)["reworkOrders"]["nodes"]
        ro = next((r for r in orders if r["nonconformanceId"] == nc["id"]), None)
        if ro is None:
            raise ApiError(f"disposing {nc['number']} REWORK opened no rework order")
        released = planner("""mutation($id: ID!) { reworkOrderRelease(id: $id) { number state workOrderId
                                workOrderNumber } }""", id=ro["id"])["reworkOrderRelease"]
        flow.say(second.name("rework_planner"), f"rework order {ro['number']} ({ro['quantity']} pcs, from "
                 f"{nc['number']}) released -> {released['state']}; rework work order {released['workOrderNumber']}")
        second.work_orders = [second.work_order("planner", released["workOrderId"])]
        route = " -> ".join(f"{op['sequence']} {op['name']} @{op['workCenter']['code']}"
                            for op in second.work_orders[0]["operations"])
        flow.say(planner_name, f"{released['workOrderNumber']} is {second.work_orders[0]['state']}; route: {route}")
        # it took the original's counting source (the machine): the operator reports the first operation
        src = second.as_("planner")("""mutation($id: ID!) { workOrderSetCountingSource(id: $id, countingSource: OPERATOR) {
                                      countingSource } }""", id=released["workOrderId"])["workOrderSetCountingSource"]
        flow.say(planner_name, f"{released['workOrderNumber']} counts {src['countingSource']} reports first")
        operate(second)
        signal(second)
        finish(second)
        passed = inspect(second)
        if not passed or passed[0]["state"] != "PASSED":
            raise ApiError("the re-inspection did not pass")
        state = planner("query($id: ID!) { reworkOrder(id: $id) { number state passedQuantity } }",
                        id=ro["id"])["reworkOrder"]
        flow.say(second.name("rework_planner"), f"rework order {state['number']} -> {state['state']} "
                                                f"(passed {state['passedQuantity']})")
    done = clerk("mutation($id: ID!) { shipmentConfirm(id: $id) { number state } }", id=shipment["id"])["shipmentConfirm"]
    flow.say(clerk_name, f"confirmed shipment {done['number']} for {second.order['number']} -> {done['state']}")
    close(second)
    final = second.as_("rep")("query($id: ID!) { salesOrder(id: $id) { number state } }",
                              id=second.order["id"])["salesOrder"]
    flow.rework_state = str(final["state"])
    flow.say("failing path", f"final state of {final['number']}: {final['state']}")


#: The loop in order; each step is one person's work (insert new steps here).
STEPS: list[Callable[[Flow], Any]] = [discover, sell, release, issue, operate, signal, finish, inspect, ship,
                                      close, rework]


def run(flow: Flow) -> str:
    """Run every step; returns the order's final state (``DONE`` when the loop went through)."""
    started = time.perf_counter()
    for step in STEPS:
        step(flow)
    final = flow.as_("rep")("query($id: ID!) { salesOrder(id: $id) { number state lines { shippedQuantity } } }",
                            id=flow.order["id"])["salesOrder"]
    print(f"final state of {final['number']}: {final['state']} ({time.perf_counter() - started:.1f} s)", file=flow.out)
    if flow.rework_state not in (None, "DONE"):
        return f"{final['state']} (reworked order: {flow.rework_state})"
    return str(final["state"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    roles = (("rep", "rep_east"), ("planner", "planner"), ("clerk", "clerk"), ("operator", "op_cnc"),
             ("device", "leak01"), ("inspector", "qc_chen"), ("quality_manager", "qm_liu"),
             ("rework_planner", "rwk_zhou"))
    for role, default in roles:
        flag = role.replace("_", "-")
        parser.add_argument(f"--{flag}", default=default, help=f"{role.replace('_', ' ')} username (default {default})")
        parser.add_argument(f"--{flag}-password", default=None, help=f"default: <{flag}>-demo")
    parser.add_argument("--device-token", default=None, help="API token of the device (tenon users token leak01)")
    parser.add_argument("--product", default="FG-MH220", help="make-to-order product code to sell")
    parser.add_argument("--quantity", default="4", help="quantity to sell, make and ship")
    args = parser.parse_args(argv)
    users = {role: (getattr(args, role), getattr(args, f"{role}_password") or f"{getattr(args, role)}-demo")
             for role, _default in roles}
    flow = Flow(args.base_url, users, args.device_token, args.product, Decimal(args.quantity))
    try:
        state = run(flow)
    except (ApiError, urllib.error.URLError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if state == "DONE" else 2


if __name__ == "__main__":
    sys.exit(main())

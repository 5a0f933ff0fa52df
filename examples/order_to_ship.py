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
 6. inspector     final inspection: only when the qc plugin is installed (the script looks at
                  the schema and says what it found; it records nothing it cannot);
 7. planner       finishes the work order (the goods are in stock, the order is ready);
 8. clerk         ships the order and confirms the stock shipment;
 9. sales rep     closes the order: done;
10. failing path  a failed inspection through a rework order: only with the qc and rework plugins.

    python examples/order_to_ship.py http://127.0.0.1:8000 --device-token "$(tenon users token leak01)"

Defaults match the demo site (``tenon demo``): rep ``rep_east``, planner ``planner``, clerk
``clerk``, operator ``op_cnc`` (work center CNC), device ``leak01`` (work center LEAK), product
``FG-MH220`` (make-to-order, routing CNC → LEAK); passwords are ``<username>-demo``. Without
``--device-token`` the device signs in with its password (a session token instead of an API token).
Exit status 0 when the order ends DONE.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO


class ApiError(Exception):
    """The server answered with GraphQL errors (or not at all)."""


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
            raise ApiError(f"{self.who}: {code}: {first.get('message')}")
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


def sell(flow: Flow) -> None:
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
                i={"customerId": customer["id"], "customerReference": "EXAMPLE-MTO", "priority": "HIGH",
                   "lines": [{"productId": product["id"], "quantity": str(flow.quantity), "unitPrice": "186.00"}]}
                )["salesOrderCreate"]
    flow.order = order
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


def inspect(flow: Flow) -> None:
    """6. Final inspection: needs the qc plugin. Nothing is recorded when it is not installed."""
    if not any("nspection" in m for m in flow.mutations):
        flow.say("inspector", "skipped: the qc plugin is not installed on this site (no final inspection)")
        return
    flow.say("inspector", "skipped: qc is installed, but this script does not record inspections yet")


def finish(flow: Flow) -> None:
    """7. The planner finishes each work order (all operations done, the goods in stock)."""
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
    """10. A failing final inspection through a rework order: needs qc and rework."""
    has_rework = any(m.lower().startswith("rework") for m in flow.mutations)
    has_qc = any("nspection" in m for m in flow.mutations)
    if not (has_qc and has_rework):
        missing = " and ".join(n for n, there in (("qc", has_qc), ("rework", has_rework)) if not there)
        flow.say("failing path", f"skipped: the {missing} plugin{'s are' if ' and ' in missing else ' is'} "
                                 f"not installed on this site")
        return
    flow.say("failing path", "skipped: qc and rework are installed, but this script does not run that path yet")


#: The loop in order; each step is one person's work (insert new steps here).
STEPS: list[Callable[[Flow], None]] = [discover, sell, release, issue, operate, signal, inspect, finish, ship,
                                       close, rework]


def run(flow: Flow) -> str:
    """Run every step; returns the order's final state (``DONE`` when the loop went through)."""
    started = time.perf_counter()
    for step in STEPS:
        step(flow)
    final = flow.as_("rep")("query($id: ID!) { salesOrder(id: $id) { number state lines { shippedQuantity } } }",
                            id=flow.order["id"])["salesOrder"]
    print(f"final state of {final['number']}: {final['state']} ({time.perf_counter() - started:.1f} s)", file=flow.out)
    return str(final["state"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    for role, default in (("rep", "rep_east"), ("planner", "planner"), ("clerk", "clerk"), ("operator", "op_cnc"),
                          ("device", "leak01")):
        parser.add_argument(f"--{role}", default=default, help=f"{role} username (default {default})")
        parser.add_argument(f"--{role}-password", default=None, help=f"default: <{role}>-demo")
    parser.add_argument("--device-token", default=None, help="API token of the device (tenon users token leak01)")
    parser.add_argument("--product", default="FG-MH220", help="make-to-order product code to sell")
    parser.add_argument("--quantity", default="4", help="quantity to sell, make and ship")
    args = parser.parse_args(argv)
    users = {role: (getattr(args, role), getattr(args, f"{role}_password") or f"{getattr(args, role)}-demo")
             for role in ("rep", "planner", "clerk", "operator", "device")}
    flow = Flow(args.base_url, users, args.device_token, args.product, Decimal(args.quantity))
    try:
        state = run(flow)
    except (ApiError, urllib.error.URLError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if state == "DONE" else 2


if __name__ == "__main__":
    sys.exit(main())

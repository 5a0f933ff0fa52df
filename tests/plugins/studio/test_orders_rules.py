"""Custom fields on sales orders under the region scope, and the order-confirmed rule.

Site: ``plugins.orders.helpers.orders_site`` (regions east ⊃ zhejiang, south; rep_east sees east,
rep_south sees south, salesmgr sees all) plus studio; ``cm`` is a config manager and
``director_wang`` the workshop director (no role: notified by name).
"""

from __future__ import annotations

from plugins.orders.helpers import CONFIRM_ORDER, CREATE_ORDER, USERS, api_user, line, orders_site

from tenon.testing import wait_for_outbox

DEFINE = "mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) { id } }"
SAVE_RULE = """mutation($i: FlowRuleInput!) { flowRuleSave(input: $i) { id code version broken
    actions { type users title } } }"""
RULES = "query { flowRules { code broken runs { outcome ruleVersion event } } }"
LEVEL = {"entity": "orders.sales_order", "code": "inspection_level", "type": "choice",
         "choices": ["normal", "tightened"], "labelZh": "检验水平", "labelEn": "Inspection level",
         "owner": "qa_li", "purpose": "Customer X needs tightened inspection", "reviewDate": "2027-06-30"}
ORDERS = """query($f: SalesOrderFilter) { salesOrders(filter: $f) { totalCount nodes { number regionCode
    customFields { inspectionLevel } } } }"""
INBOX = "query { notifications { nodes { title event entityType } } }"
CONFIRMED_RULE = {
    "code": "so-confirmed-director", "name": "Confirmed orders to the workshop director",
    "event": "orders.sales_order.state_changed", "entity": "orders.sales_order", "recordKey": "order_id",
    "condition": "to_state == 'confirmed' and custom.inspection_level == 'tightened'",
    "actions": [{"type": "notify", "users": ["director_wang"], "title": "Order {number} confirmed: issue the task number"},
                {"type": "task", "users": ["director_wang"], "title": "Plan {number}", "dueMinutes": 120}],
    "owner": "qa_li", "purpose": "The workshop starts tightened orders at once", "reviewDate": "2027-06-30"}


def _site(make_app, make_client):
    users = {**USERS, "cm": (["config_manager"], {}), "director_wang": ([], {})}
    return orders_site(make_app, make_client, users=users, plugins=("studio",),
                       settings={"api": {"plugin_check_seconds": 0}})


def test_region_scope_holds_for_custom_values_and_filters(make_app, make_client):
    site = _site(make_app, make_client)
    site["cm"].ok(DEFINE, {"i": LEVEL})
    east = site["rep_east"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-EAST"]), "lines": [line(site.ids["BD-01"], 1)],
                                                     "customFields": {"inspectionLevel": "tightened"}}})["salesOrderCreate"]
    south = site["rep_south"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-SOUTH"]), "lines": [line(site.ids["BD-01"], 1)],
                                                       "customFields": {"inspectionLevel": "tightened"}}})["salesOrderCreate"]
    tightened = {"f": {"customFields": {"inspectionLevel": {"eq": "tightened"}}}}
    assert site["salesmgr"].ok(ORDERS, tightened)["salesOrders"]["totalCount"] == 2
    mine = site["rep_east"].ok(ORDERS, tightened)["salesOrders"]
    assert mine == {"totalCount": 1, "nodes": [{"number": east["number"], "regionCode": "east",
                                                "customFields": {"inspectionLevel": "tightened"}}]}
    assert site["rep_none"].ok(ORDERS, tightened)["salesOrders"]["totalCount"] == 0
    # another region's order cannot be changed through its custom fields either
    err = site["rep_east"].error("""mutation($i: SalesOrderUpdateInput!) { salesOrderUpdate(input: $i) { id } }""",
                                 {"i": {"id": south["id"], "customFields": {"inspectionLevel": "normal"}}})
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert site.order(south["id"])["id"] == south["id"]
    assert site["salesmgr"].ok(ORDERS, {"f": {"customFields": {"inspectionLevel": {"in": ["normal"]}}}})[
        "salesOrders"]["totalCount"] == 0
    bad = site["rep_east"].error(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-EAST"]), "lines": [line(site.ids["BD-01"], 1)],
                                                      "customFields": {"inspectionLevel": "loose"}}})
    assert (bad["extensions"]["code"], bad["extensions"]["field"]) == ("VALIDATION", "customFields.inspectionLevel")

    # customers: their list has no filter input, so it gains a customFields argument; same scope
    site["cm"].ok(DEFINE, {"i": {**LEVEL, "entity": "orders.customer", "code": "credit_class", "choices": ["A", "B"],
                                 "labelZh": "信用等级", "labelEn": "Credit class"}})
    update = "mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) { customFields { creditClass } } }"
    for code in ("C-EAST", "C-SOUTH"):
        assert site["salesmgr"].ok(update, {"i": {"id": str(site.ids[code]), "customFields": {"creditClass": "A"}}})[
            "customerUpdate"]["customFields"] == {"creditClass": "A"}
    customers = """query { customers(customFields: {creditClass: {eq: "A"}}) { totalCount nodes { code } } }"""
    assert site["salesmgr"].ok(customers)["customers"]["totalCount"] == 2
    assert site["rep_east"].ok(customers)["customers"] == {"totalCount": 1, "nodes": [{"code": "C-EAST"}]}


def test_confirmed_order_notifies_the_workshop_director(make_app, make_client):
    site = _site(make_app, make_client)
    cm = site["cm"]
    cm.ok(DEFINE, {"i": LEVEL})
    rule = cm.ok(SAVE_RULE, {"i": CONFIRMED_RULE})["flowRuleSave"]
    assert (rule["version"], rule["broken"], [a["type"] for a in rule["actions"]]) == (1, None, ["notify", "task"])

    def order(client, customer, level):
        return client.ok(CREATE_ORDER, {"i": {"customerId": str(site.ids[customer]), "lines": [line(site.ids["BD-01"], 2)],
                                              "customFields": {"inspectionLevel": level}}})["salesOrderCreate"]

    tight = order(site["rep_east"], "C-EAST", "tightened")
    normal = order(site["rep_south"], "C-SOUTH", "normal")
    site["rep_east"].ok(CONFIRM_ORDER, {"id": tight["id"]})
    site["rep_south"].ok(CONFIRM_ORDER, {"id": normal["id"]})
    wait_for_outbox(site.app)

    director = site.clients["director_wang"]
    inbox = director.ok(INBOX)["notifications"]["nodes"]
    assert [n["title"] for n in inbox] == [f"Task: Plan {tight['number']}",
                                           f"Order {tight['number']} confirmed: issue the task number"]
    assert {n["entityType"] for n in inbox} == {"orders_sales_order"}
    tasks = cm.ok("query { studioTasks { title assignedTo state dueAt } }")["studioTasks"]
    assert [(t["title"], t["assignedTo"], t["state"]) for t in tasks] == [(f"Plan {tight['number']}", "director_wang", "open")]

    runs = cm.ok(RULES)["flowRules"][0]["runs"]
    assert sorted(r["outcome"] for r in runs) == ["done", "skipped", "skipped", "skipped"]  # 2 created, 2 confirmed
    assert {r["ruleVersion"] for r in runs} == {1}

    # an event delivered again runs nothing twice (the outbox is at-least-once)
    from tenon.plugins.orders import SalesOrderStateChanged
    from tenon.core.events import publish

    with site.app.transaction(operation="test:replay") as s:
        publish(s, SalesOrderStateChanged(order_id=int(tight["id"]), number=tight["number"], region_code="east",
                                          from_state="draft", to_state="confirmed"))
    wait_for_outbox(site.app)
    assert len(director.ok(INBOX)["notifications"]["nodes"]) == 2
    assert len(cm.ok(RULES)["flowRules"][0]["runs"]) == 4

    # saving again changes the rule and its version
    again = cm.ok(SAVE_RULE, {"i": {**CONFIRMED_RULE, "condition": "to_state == 'confirmed'"}})["flowRuleSave"]
    assert (again["id"], again["version"]) == (rule["id"], 2)


def test_bad_rules_are_refused_on_save_with_a_clear_message(make_app, make_client):
    site = _site(make_app, make_client)
    cm = site["cm"]
    cm.ok(DEFINE, {"i": LEVEL})
    cases = [
        ({"condition": "to_state = 'confirmed'"}, "condition", "unexpected \"= 'confirmed'\" at position 10"),
        ({"condition": "to_state == "}, "condition", "expected a name, a value or '(' at the end"),
        ({"condition": "state == 'confirmed'"}, "condition", "condition names 'state', which the event does not carry"),
        ({"condition": "custom.ra > 1"}, "condition", "no such custom field (custom fields: inspection_level)"),
        ({"condition": "record.colour == 'red'"}, "condition", "the entity has no field 'colour'"),
        ({"event": "orders.sales_order.confirmd"}, "event", "did you mean orders.sales_order.state_changed"),
        ({"recordKey": "id"}, "recordKey", "one of order_id"),
        ({"actions": [{"type": "notify", "title": "x", "roles": ["no_such_role"]}]}, "roles", "unknown role(s) no_such_role"),
        ({"actions": [{"type": "email", "users": ["x"], "title": "x"}]}, "actions[0].type", "not available yet"),
        ({"actions": [{"type": "assign", "title": "x"}]}, "actions[0].users", "needs a user"),
        ({"actions": []}, "actions", "at least one action"),
    ]
    for change, field, message in cases:
        err = cm.error(SAVE_RULE, {"i": {**CONFIRMED_RULE, **change}})
        assert err["extensions"]["code"] == "VALIDATION", err
        assert err["extensions"]["field"] == field and message in err["message"], err
    assert cm.ok(RULES)["flowRules"] == []
    assert site["rep_east"].error(SAVE_RULE, {"i": CONFIRMED_RULE})["extensions"]["code"] == "FORBIDDEN"


def test_a_field_reaching_a_value_notifies_the_responsible_person(make_app, make_client):
    site = _site(make_app, make_client)
    cm = site["cm"]
    cm.ok(DEFINE, {"i": LEVEL})
    cm.ok(SAVE_RULE, {"i": {
        "code": "tightened-to-rep", "name": "Tell the order's creator when inspection is tightened",
        "event": "studio.value.changed", "entity": "orders.sales_order", "recordKey": "record_id",
        "condition": "entity == 'orders.sales_order' and field == 'inspection_level' and new == 'tightened' "
                     "and record.state == 'draft'",
        "actions": [{"type": "notify", "responsible": True, "title": "Order {record_id}: inspection tightened"}],
        "owner": "qa_li", "purpose": "Reps warn the customer about the longer lead time", "reviewDate": "2027-06-30"}})
    order = site["rep_east"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-EAST"]), "lines": [line(site.ids["BD-01"], 1)],
                                                      "customFields": {"inspectionLevel": "normal"}}})["salesOrderCreate"]
    update = "mutation($i: SalesOrderUpdateInput!) { salesOrderUpdate(input: $i) { customFields { inspectionLevel } } }"
    assert site["salesmgr"].ok(update, {"i": {"id": order["id"], "customFields": {"inspectionLevel": "tightened"}}})[
        "salesOrderUpdate"]["customFields"] == {"inspectionLevel": "tightened"}
    wait_for_outbox(site.app)
    assert [n["title"] for n in site["rep_east"].ok(INBOX)["notifications"]["nodes"]] == [
        f"Order {order['id']}: inspection tightened"]
    assert site["salesmgr"].ok(INBOX)["notifications"]["nodes"] == []


def test_a_failing_or_broken_run_is_recorded_retried_and_never_undoes_the_change(make_app, make_client):
    import datetime as dt

    from click.testing import CliRunner

    from tenon.core.cli import cli as kernel_cli
    from tenon.core.events import publish
    from tenon.plugins.orders import SalesOrderStateChanged

    site = _site(make_app, make_client)
    cm = site["cm"]
    field = cm.ok(DEFINE, {"i": LEVEL})["customFieldDefine"]
    cm.ok(SAVE_RULE, {"i": {**CONFIRMED_RULE, "condition": "to_state == 'confirmed'",
                            "actions": [{"type": "set_field", "field": "inspection_level", "value": "tightened"}]}})

    def runs():
        return [(r["outcome"], r["attempts"]) for r in
                cm.ok("query { flowRules { runs { outcome attempts } } }")["flowRules"][0]["runs"]
                if r["outcome"] != "skipped"]

    def tick(hours):
        at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()
        result = CliRunner().invoke(kernel_cli, ["--site", str(site.app.site.path), "studio", "tick", "--now", at])
        assert result.exit_code == 0, result.output
        return result.output

    # the record is gone by the time the event is delivered: the run fails, is recorded and retried
    assert runs() == []  # (a request: the server has reloaded its plugin set, subscribing to the rule's event)
    with site.app.transaction(operation="test:orphan event") as s:
        publish(s, SalesOrderStateChanged(order_id=987654, number="SO-GONE", region_code="east",
                                          from_state="draft", to_state="confirmed"))
    wait_for_outbox(site.app)
    assert runs() == [("failed", 1)]
    health = make_client(site.app).http.get("/health").json()
    assert health["ok"] is False and health["checks"]["studio"]["failed_runs"] == 1
    assert "retried: 1" in tick(2) and runs() == [("failed", 2)]

    # the field the rule sets was removed: the rule is broken, the user's confirmation stands
    cm.ok("mutation($id: ID!) { customFieldRemove(id: $id) { active } }", {"id": field["id"]})
    assert cm.ok("query { flowRules { broken } }")["flowRules"] == [
        {"broken": "custom field(s) inspection_level of orders.sales_order no longer exist"}]
    order = site["rep_east"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-EAST"]),
                                                      "lines": [line(site.ids["BD-01"], 1)]}})["salesOrderCreate"]
    assert site["rep_east"].ok(CONFIRM_ORDER, {"id": order["id"]})["salesOrderConfirm"]["state"] == "CONFIRMED"
    wait_for_outbox(site.app)
    assert ("broken", 1) in runs()
    assert site.order(order["id"])["state"] == "CONFIRMED"
    assert cm.ok("query { flowRules { version } }")["flowRules"] == [{"version": 1}]  # not a change of the rule

    cm.ok(DEFINE, {"i": LEVEL})  # the field is back (with its values): the retry runs the rule
    assert cm.ok("query { flowRules { broken } }")["flowRules"] == [{"broken": None}]
    tick(4)
    assert ("done", 2) in runs()
    got = site["salesmgr"].ok("query($id: ID!) { salesOrder(id: $id) { customFields { inspectionLevel } } }",
                              {"id": order["id"]})
    assert got["salesOrder"]["customFields"] == {"inspectionLevel": "tightened"}


def test_assign_and_webhook_actions(make_app, make_client):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        site = _site(make_app, make_client)
        url = f"http://127.0.0.1:{server.server_port}/erp-events"
        bad = site["cm"].error(SAVE_RULE, {"i": {**CONFIRMED_RULE, "condition": "", "actions": [
            {"type": "webhook", "title": "x", "url": "file:///etc/passwd"}]}})
        assert (bad["extensions"]["code"], bad["extensions"]["field"]) == ("VALIDATION", "actions[0].url")
        site["cm"].ok(SAVE_RULE, {"i": {**CONFIRMED_RULE, "condition": "to_state == 'confirmed'", "actions": [
            {"type": "assign", "users": ["director_wang"], "title": "Order {number}"},
            {"type": "webhook", "title": "Order {number} confirmed", "url": url}]}})
        order = site["rep_east"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-EAST"]),
                                                          "lines": [line(site.ids["BD-01"], 1)]}})["salesOrderCreate"]
        site["rep_east"].ok(CONFIRM_ORDER, {"id": order["id"]})
        wait_for_outbox(site.app)
        assert [n["title"] for n in site.clients["director_wang"].ok(INBOX)["notifications"]["nodes"]] == [
            f"Assigned to you: Order {order['number']}"]
        tasks = site["cm"].ok("query { studioTasks { title assignedTo dueAt entity recordId } }")["studioTasks"]
        assert tasks == [{"title": f"Order {order['number']}", "assignedTo": "director_wang", "dueAt": None,
                          "entity": "orders.sales_order", "recordId": order["id"]}]
        assert len(received) == 1
        assert (received[0]["title"], received[0]["payload"]["to_state"], received[0]["record"]) == (
            f"Order {order['number']} confirmed", "confirmed", {"entity": "orders.sales_order", "id": int(order["id"])})
    finally:
        server.shutdown()

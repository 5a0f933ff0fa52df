"""rework is added and removed without touching any other plugin: on a site that already has
orders, stock, mrp and qc data, installing it changes nothing else; its fields on other plugins'
types (``WorkOrder.reworkOrders``, ``SalesOrder.reworkOrders``, ``Lot.reworkOrders``) appear in the
running server's schema and disappear on uninstall without a restart; uninstall leaves no table,
field, policy, type or sequence of rework, and the rest as it was. Its changes are audited. And
no module outside ``tenon/plugins/rework`` imports rework."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from sqlalchemy import inspect, select, text

import tenon
from tenon.core.installer import install, uninstall
from tenon.core.kernel import Tenon
from tenon.core.models import CasbinRule, InstalledPlugin, SequenceCounter, SequenceDef
from tenon.core.testing import create_user
from tenon.testing import wait_for_outbox

from .helpers import CAUSE, CREATE_RO, finish, inspect as qc_inspect, make, order, rework_site, sales

REPO = Path(tenon.__file__).parent.parent
FIELDS = """query($t: String!) { __type(name: $t) { fields { name } } }"""
TYPE = """query($t: String!) { __type(name: $t) { name } }"""
AUDIT = """query($t: String) { auditLog(entityType: $t, first: 100) { nodes { entityType action operation actor } } }"""


def _fields(client, type_name):
    return {f["name"] for f in client.ok(FIELDS, {"t": type_name})["__type"]["fields"]}


def _snapshot(app):
    """A digest of every row of every table but rework's and the kernel's bookkeeping."""
    out = {}
    with app.engine.connect() as c:
        for table in sorted(inspect(c).get_table_names()):
            if table.startswith(("rework_", "core_", "alembic")):
                continue
            rows = c.execute(text(f'SELECT * FROM "{table}"')).all()
            out[table] = hashlib.sha1(json.dumps(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def _rework_traces(app):
    with app.engine.connect() as c:
        tables = [t for t in inspect(c).get_table_names() if t.startswith("rework_")]
        rules = c.execute(select(CasbinRule.v0, CasbinRule.v1).where(
            CasbinRule.v1.like("rework.%") | CasbinRule.v0.like("rework%") | CasbinRule.v1.like("rework%"))).all()
        seqs = c.execute(select(SequenceDef.code).where(SequenceDef.code.like("rework%"))).all()
        counters = c.execute(select(SequenceCounter.code).where(SequenceCounter.code.like("rework%"))).all()
        record = c.execute(select(InstalledPlugin.name).where(InstalledPlugin.name == "rework")).all()
    return {"tables": tables, "rules": rules, "sequences": seqs + counters, "record": record}


def test_install_and_uninstall_on_a_site_with_data_touch_nothing_else(make_app, make_client):
    site = rework_site(make_app, make_client, plugins=["stock", "orders", "mrp", "qc"],
                       settings={"api": {"plugin_check_seconds": 0}})
    sales(site)
    so = order(site, "c_east", 4)
    make(site, so["wo"], 4)
    finish(site, so["wo"]["id"])
    failed = qc_inspect(site, so["wo"]["id"], "fail")
    admin = make_client(site.app, create_user(site.app, "root", roles=["admin"]))
    lot_id = admin.ok("query($id: ID!) { workOrder(id: $id) { lotId } }", {"id": so["wo"]["id"]})["workOrder"]["lotId"]
    # without rework: no rework disposition, no rework fields or types
    nc = failed["nonconformance"]["id"]
    refused = site.insp.error("mutation($i: NonconformanceDisposeInput!) { nonconformanceDispose(input: $i) { id } }",
                              {"i": {"id": nc, "disposition": "REWORK"}})
    assert refused["extensions"]["code"] == "DISPOSITION_UNAVAILABLE"
    assert "reworkOrders" not in _fields(admin, "WorkOrder") | _fields(admin, "SalesOrder") | _fields(admin, "Lot")
    assert admin.ok(TYPE, {"t": "ReworkOrder"})["__type"] is None
    before = _snapshot(site.app)

    elsewhere = Tenon(site.app.site)        # `tenon plugins install rework` in another shell
    install(elsewhere, ["rework"])
    assert _snapshot(site.app) == before    # nothing of the others changed
    for type_name in ("WorkOrder", "SalesOrder", "Lot"):
        assert "reworkOrders" in _fields(admin, type_name)
    assert {"reworkQuantity", "reworkedQuantity"} <= _fields(admin, "OrderLineProgress")
    assert admin.ok(TYPE, {"t": "ReworkOrder"})["__type"] == {"name": "ReworkOrder"}
    assert _rework_traces(site.app)["sequences"]

    # used: a cause, a rework order by hand from the lot, shown on the lot, the work order and the order
    qm = make_client(site.app, create_user(site.app, "quality", roles=["quality_manager"]))
    qm.ok(CAUSE, {"i": {"code": "BORE", "name": "Bore out of tolerance"}})
    ro = qm.ok(CREATE_RO, {"i": {"lotId": lot_id, "quantity": "1"}})["reworkOrderCreate"]
    assert (ro["originalWorkOrderId"], ro["salesOrderId"], ro["regionCode"]) == (so["wo"]["id"], so["id"], "east")
    got = admin.ok("query($id: ID!, $l: ID!, $s: ID!) { workOrder(id: $id) { reworkOrders { number } }"
                   " lot(id: $l) { reworkOrders { number } } salesOrder(id: $s) { reworkOrders { number } } }",
                   {"id": so["wo"]["id"], "l": lot_id, "s": so["id"]})
    assert got == {"workOrder": {"reworkOrders": [{"number": ro["number"]}]},
                   "lot": {"reworkOrders": [{"number": ro["number"]}]},
                   "salesOrder": {"reworkOrders": [{"number": ro["number"]}]}}
    # audited, with the acting user
    log = admin.ok(AUDIT, {"t": "rework_order"})["auditLog"]["nodes"]
    assert [(e["action"], e["actor"]) for e in log] == [("create", "quality")]
    assert admin.ok(AUDIT, {"t": "rework_cause"})["auditLog"]["nodes"][0]["actor"] == "quality"

    wait_for_outbox(site.app)               # rework's after-commit notification is delivered
    uninstall(elsewhere, "rework")
    assert _rework_traces(site.app) == {"tables": [], "rules": [], "sequences": [], "record": []}
    assert _snapshot(site.app) == before
    assert "reworkOrders" not in _fields(admin, "WorkOrder") | _fields(admin, "SalesOrder") | _fields(admin, "Lot")
    assert "reworkOrder" not in _fields(admin, "WorkOrder")
    assert not {"reworkQuantity", "reworkedQuantity"} & _fields(admin, "OrderLineProgress")
    assert admin.ok(TYPE, {"t": "ReworkOrder"})["__type"] is None
    assert admin.error("{ reworkOrders { totalCount } }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    elsewhere.dispose()


def test_the_schema_of_a_site_without_orders_has_no_sales_order_fields(make_app, make_client):
    app = make_app(plugins=["stock", "mrp", "qc", "rework"])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    assert "reworkOrders" in _fields(admin, "WorkOrder") and "reworkOrders" in _fields(admin, "Lot")
    assert admin.ok(TYPE, {"t": "SalesOrder"})["__type"] is None
    assert admin.ok(TYPE, {"t": "OrderLineProgress"})["__type"] is None


def _imports_rework(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                 if isinstance(node, ast.ImportFrom) and not node.level else [])
        if any(n == "tenon.plugins.rework" or n.startswith("tenon.plugins.rework.") for n in names):
            lines.append(node.lineno)
    return lines


def test_no_module_outside_the_rework_plugin_imports_it(tmp_path):
    own = (REPO / "tenon" / "plugins" / "rework", REPO / "tests" / "plugins" / "rework")
    bad = []
    for root in (REPO / "tenon", REPO / "tests", REPO / "bench", REPO / "examples"):
        for path in sorted(root.rglob("*.py")) if root.is_dir() else []:
            if any(path.is_relative_to(o) for o in own) or "__pycache__" in path.parts:
                continue
            bad += [f"{path.relative_to(REPO)}:{n}" for n in _imports_rework(path)]
    assert bad == []
    # the check itself sees an import
    fake = tmp_path / "fake.py"
    fake.write_text("from tenon.plugins import rework\nimport tenon.plugins.rework.models\n", encoding="utf-8")
    assert _imports_rework(fake) == [1, 2]


def _asks_for_rework(path: Path) -> list[int]:
    """Lines of calls with ``plugins=[..., "rework", ...]`` (a site with rework installed)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "plugins" and isinstance(kw.value, (ast.List, ast.Tuple)) and any(
                        isinstance(e, ast.Constant) and e.value == "rework" for e in kw.value.elts):
                    out.append(node.lineno)
    return out


def test_no_other_test_installs_rework_so_ci_can_run_them_without_it(tmp_path):
    """CI re-runs only the tests that install every plugin on sites without rework; that covers
    the suite minus rework's tests only while no other test asks for rework by name."""
    own = REPO / "tests" / "plugins" / "rework"
    bad = [f"{p.relative_to(REPO)}:{n}" for p in sorted((REPO / "tests").rglob("*.py"))
           if not p.is_relative_to(own) for n in _asks_for_rework(p)]
    assert bad == []
    fake = tmp_path / "fake.py"
    fake.write_text('app = make_app(plugins=["stock", "rework"])\n', encoding="utf-8")
    assert _asks_for_rework(fake) == [1]

"""``workOrders`` loads ``operations`` and ``product`` with its page (issue 13's read path): the page
answers what ``workOrder(id)`` answers for each work order, also for an operator whose row scope
keeps only her work center's operations, without going through the DataLoaders, and its
statements do not grow with the page."""

from __future__ import annotations

from tenon.core.testing import count_statements
from tenon.graphql.context import Context

from .helpers import WO_FIELDS, mrp_site, new_work_order

FIELDS = f"{WO_FIELDS} product {{ id code name unit }}"
PAGE = f"query($n: Int!) {{ workOrders(first: $n) {{ nodes {{ {FIELDS} }} }} }}"
ONE = f"query($id: ID!) {{ workOrder(id: $id) {{ {FIELDS} }} }}"


def test_the_page_answers_what_each_work_order_answers(make_app, make_client, monkeypatch):
    site = mrp_site(make_app, make_client)
    for n in range(4):
        new_work_order(site, 10 + n, release=n % 2 == 0)
    used: list[str] = []  # DataLoaders the resolvers went through
    batch = Context.batch
    monkeypatch.setattr(Context, "batch", lambda self, name, fn: used.append(name) or batch(self, name, fn))
    for client in (site.planner, site.op_asm):
        used.clear()
        nodes = client.ok(PAGE, {"n": 50})["workOrders"]["nodes"]
        assert len(nodes) == 4
        assert "mrp.operations_by_work_order" not in used and "stock.product_by_id" not in used, used
        assert {n["product"]["code"] for n in nodes} == {"KA"}
        for node in nodes:
            assert client.ok(ONE, {"id": node["id"]})["workOrder"] == node
    # the operator sees only her work center's operations (the row scope on the prefetch)
    centers = {op["workCenter"]["code"] for n in site.op_asm.ok(PAGE, {"n": 50})["workOrders"]["nodes"]
               for op in n["operations"]}
    assert centers == {"ASM"}
    planner_centers = {op["workCenter"]["code"] for n in site.planner.ok(PAGE, {"n": 50})["workOrders"]["nodes"]
                       for op in n["operations"]}
    assert planner_centers == {"ASM", "CNC"}


def test_the_statements_do_not_grow_with_the_page(make_app, make_client):
    site = mrp_site(make_app, make_client)
    for n in range(6):
        new_work_order(site, 5 + n)
    counts = []
    for n in (2, 6):
        site.planner.ok(PAGE, {"n": n})
        with count_statements(site.app) as statements:
            assert len(site.planner.ok(PAGE, {"n": n})["workOrders"]["nodes"]) == n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

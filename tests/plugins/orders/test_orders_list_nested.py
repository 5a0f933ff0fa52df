"""``salesOrders`` loads ``customer``, ``lines``, ``totalAmount`` and ``progress`` with its page
(issue 13's read path) and answers what ``salesOrder(id)`` answers for each order, one at a time
through the DataLoaders, for a scoped rep and the manager; the statements do not grow with the page.

Data: ``helpers.orders_site``; rep_east orders for C-ZJ (zhejiang, under her east), rep_south for
her own customer; the manager sees both.
"""

from __future__ import annotations

from decimal import Decimal

from tenon.core.testing import count_statements
from tenon.graphql.context import Context

from .helpers import create_order, line, orders_site

FIELDS = """number state priority orderDate requestedDate customerReference notes cancelReason version createdAt
    createdBy customerId regionCode
    customer { id code name regionCode creditLimit paymentTerms notes active version contacts { name phone } }
    totalAmount lines { position productCode quantity unitPrice }
    progress(asOf: "2026-12-01") { ordered shipped percentComplete overdue lines { ordered shipped } }"""
PAGE = f"query($n: Int!) {{ salesOrders(first: $n) {{ nodes {{ id {FIELDS} }} }} }}"
ONE = f"query($id: ID!) {{ salesOrder(id: $id) {{ id {FIELDS} }} }}"


def test_the_page_answers_what_each_order_answers(make_app, make_client, monkeypatch):
    site = orders_site(make_app, make_client)
    ids = site.ids
    for n in range(6):
        create_order(site["rep_east"], ids["C-ZJ"], [line(ids["BD-01"], n + 1), line(ids["CP-02"], 2, "7.5")])
    create_order(site["rep_south"], ids["C-SOUTH"], [line(ids["CP-02"], 3)])
    used: list[str] = []  # DataLoaders the resolvers went through
    batch = Context.batch
    monkeypatch.setattr(Context, "batch", lambda self, name, fn: used.append(name) or batch(self, name, fn))
    for user, count in (("rep_east", 6), ("salesmgr", 7)):
        client = site[user]
        used.clear()
        nodes = client.ok(PAGE, {"n": 50})["salesOrders"]["nodes"]
        assert len(nodes) == count
        # the page answered customer, lines, totalAmount and progress from what it loaded
        assert "orders.customer_by_id" not in used and "orders.lines_by_order" not in used, used
        for node in nodes:
            assert node == client.ok(ONE, {"id": node["id"]})["salesOrder"]
        with count_statements(site.app) as few:
            client.ok(PAGE, {"n": 2})
        with count_statements(site.app) as many:
            client.ok(PAGE, {"n": 50})
        assert len(few) == len(many), (few, many)
    east = site["rep_east"].ok(PAGE, {"n": 50})["salesOrders"]["nodes"]
    assert {n["customer"]["code"] for n in east} == {"C-ZJ"}
    assert sorted(Decimal(n["totalAmount"]) for n in east)[0] == Decimal(25)  # 1 x 10 + 2 x 7.5

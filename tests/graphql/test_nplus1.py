"""No N+1: the number of SQL statements of a nested list does not grow with the page size.

60 east customers with 2 orders each (one per item) are added to the seeded data. The same nested query is
sent with ``first: 5`` and ``first: 50``; statements are counted on the server's engine
(``before_cursor_execute``). Nested lists resolve through per-request DataLoaders, so each level costs one
``SELECT ... WHERE key IN (...)`` whatever the page size, and the row-scope criterion rides along in it.
"""

from decimal import Decimal

import pytest
from scopeplug.models import Customer, Order
from scopeplug.testdata import ScopeSite
from tenon.core.testing import count_statements

NESTED = "query($n: Int!) { customers(first: $n) { nodes { code orders { number } } } }"
DEEP = """query($n: Int!) { customers(first: $n) { totalCount nodes { code orders { number amount
    customer { name } item { name orders { number } } } } } }"""


def add_customers(app, ids, count=60):
    with app.transaction(operation="test:bulk") as s:
        for i in range(count):
            customer = Customer(code=f"C-B{i:03d}", name=f"Bulk {i}", region="east")
            s.add(customer)
            s.flush()
            for j, item in enumerate(("I-1", "I-2")):
                s.add(Order(number=f"O-B{i:03d}-{j}", customer_id=customer.id, item_id=ids[item], region="east",
                            amount=Decimal(i + j)))


@pytest.fixture
def site(make_app, make_client):
    site = ScopeSite(make_app, make_client, names=["rep_east", "manager"])
    add_customers(site.app, site.ids)
    return site


@pytest.mark.parametrize("user", ["rep_east", "manager"])
@pytest.mark.parametrize("query", [NESTED, DEEP], ids=["customers.orders", "deep"])
def test_statement_count_does_not_grow_with_the_page(site, user, query):
    client = site[user]
    client.ok(query, {"n": 1})  # warm up: engine, connection pool, policies

    counts = {}
    for n in (5, 50):
        with count_statements(site.app) as statements:
            data = client.ok(query, {"n": n})
        nodes = data["customers"]["nodes"]
        assert len(nodes) == n
        assert sum(len(c["orders"]) for c in nodes) >= n  # the nested level really was resolved
        counts[n] = len(statements)
    assert counts[5] == counts[50], counts
    # one statement per level plus the per-request ones (policy version, token), never one per row
    assert counts[50] <= (5 if query is NESTED else 9), counts

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


def test_the_servers_plugin_set_check_is_not_counted_as_a_requests_work(make_app, make_client):
    """The running server checks for plugin installs made elsewhere at most every
    ``plugin_check_seconds``; that check belongs to no request, so a request costs the same number of
    statements whether the check fired before it (every request, with 0) or not (once an hour)."""
    from tenon.core.testing import create_user

    counts = {}
    for every in (0, 3600):
        app = make_app(plugins=[], settings={"api": {"plugin_check_seconds": every}})
        client = make_client(app, create_user(app, "boss", roles=["admin"]))
        client.ok("{ me { username } }")  # warm up
        with count_statements(app) as statements:
            assert client.ok("{ me { username } }")["me"]["username"] == "boss"
        counts[every] = len(statements)
    assert counts[0] == counts[3600] > 0, counts

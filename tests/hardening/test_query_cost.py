"""Query cost limit (issue 14, item 8): the 29-alias nested query is refused before it executes,
with ``QUERY_TOO_COMPLEX`` and its estimated cost; ordinary queries pass."""

from __future__ import annotations

import time

from tenon.core.testing import count_statements

from plugins.orders.helpers import api_user, seed_master_data

NESTED = ("salesOrders(first:100){nodes{lines{product{orderLines{order{customer{orders{history{toState} "
          "totalAmount}}}}}}}}")
HOSTILE = "{ " + " ".join(f"a{i}: {NESTED}" for i in range(29)) + " }"


def _site(make_app, make_client, **settings):
    app = make_app(plugins=["orders"], settings={"api": settings} if settings else None)
    seed_master_data(app)
    return app, make_client(app, api_user(app, "planner1", ["planner"]))


def test_the_hostile_query_is_refused_before_it_executes(make_app, make_client):
    app, client = _site(make_app, make_client)
    with count_statements(app) as statements:  # every engine a request uses
        started = time.monotonic()
        body = client.post(HOSTILE)
        elapsed = time.monotonic() - started
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 50000
    assert not any("orders_sales_order" in s for s in statements), statements  # nothing was fetched
    assert elapsed < 2, elapsed


def test_cost_multiplies_page_sizes_down_nested_lists(make_app, make_client):
    _app, client = _site(make_app, make_client, max_cost=121)
    # 1 (salesOrders) + 10 (its nodes) + 10 × 1 (customer) = 21
    assert client.ok("{ salesOrders(first: 10) { nodes { customer { code } } } }")
    # 1 + 10 nodes + 10 × (1 lines + 10 lines × 1 product) = 121
    assert client.ok("query($n: Int) { salesOrders(first: $n) { nodes { lines { product { code } } } } }", {"n": 10})
    err = client.error("{ salesOrders(first: 11) { nodes { lines { product { code } } } } }")
    assert err["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 133, "maxCost": 121}
    # fragments count the same as inline selections
    err = client.error("{ salesOrders(first: 11) { nodes { ...L } } } fragment L on SalesOrder { lines { product { code } } }")
    assert err["extensions"]["cost"] == 133

"""Row scopes through the HTTP API: a scoped user never sees another region's rows.

Data: ``scopeplug.testdata`` (east: 3 orders worth 175 by C-E1/C-E2; west: 2 orders worth 275 by C-W1;
north: 1 order worth 1000 by C-N1). ``rep_east`` is a ``scoped_rep`` with ``regions=["east"]``,
``rep_ew`` one with ``["east", "west"]``, ``rep_none`` one without the attribute; ``manager`` sees every row.

Decision, lookups by id: a record outside the reader's scope answers ``NOT_FOUND``, with the same code and
message shape as an id that does not exist, so a client cannot tell "hidden" from "absent". Nested fields
(``customer.orders``, ``item.orders``) leave hidden rows out; ``order.customer`` would be null.
Mutations find their target through the same scoped read, so a foreign target is ``NOT_FOUND`` too, and
nothing changes. A user with no read line at all is refused at the root field (``FORBIDDEN``).
"""

from decimal import Decimal

import pytest
from scopeplug.models import Customer, Order
from scopeplug.testdata import (
    CUSTOMER,
    CUSTOMER_RENAME,
    CUSTOMERS,
    ITEMS,
    ORDER,
    ORDER_STATS,
    ORDER_UPDATE,
    ORDERS,
    ScopeSite,
    api_user,
)
from sqlalchemy import func, select, update

from tenon.core.access import SYSTEM, Actor, add_policy_lines


@pytest.fixture
def site(make_app, make_client):
    return ScopeSite(make_app, make_client)


def codes(nodes, key="code"):
    return sorted(n[key] for n in nodes)


def test_lists_and_counts_hold_only_the_readers_regions(site):
    """rep_east lists 2 customers (C-E1, C-E2) and 3 orders, and totalCount says the same."""
    customers = site["rep_east"].ok(CUSTOMERS)["customers"]
    assert customers["totalCount"] == 2
    assert codes(customers["nodes"]) == ["C-E1", "C-E2"]
    assert {n["region"] for n in customers["nodes"]} == {"east"}

    orders = site["rep_east"].ok(ORDERS)["orders"]
    assert orders["totalCount"] == 3
    assert codes(orders["nodes"], "number") == ["O-E1", "O-E2", "O-E3"]
    assert {n["customer"]["code"] for n in orders["nodes"]} == {"C-E1", "C-E2"}

    everything = site["manager"].ok(ORDERS)["orders"]
    assert everything["totalCount"] == 6


def test_lookup_by_id_outside_the_scope_is_not_found(site):
    """An order or customer of another region answers like an id that does not exist."""
    rep = site["rep_east"]
    own = rep.ok(ORDER, {"id": site.ids["O-E1"]})["order"]
    assert (own["number"], own["region"], Decimal(own["amount"])) == ("O-E1", "east", Decimal(100))

    hidden = rep.error(ORDER, {"id": site.ids["O-W1"]})
    absent = rep.error(ORDER, {"id": 999999})
    assert hidden["extensions"]["code"] == absent["extensions"]["code"] == "NOT_FOUND"
    assert hidden["message"].replace(str(site.ids["O-W1"]), "<id>") == absent["message"].replace("999999", "<id>")
    assert rep.error(CUSTOMER, {"id": site.ids["C-W1"]})["extensions"]["code"] == "NOT_FOUND"
    assert rep.error(CUSTOMER, {"id": site.ids["C-N1"]})["extensions"]["code"] == "NOT_FOUND"

    # the manager sees the same records
    assert site["manager"].ok(ORDER, {"id": site.ids["O-W1"]})["order"]["number"] == "O-W1"


def test_nested_fields_leave_out_hidden_rows(site):
    """customer.orders and item.orders (a path from an unscoped record into scoped ones) are filtered.

    I-1 is ordered by O-E1, O-E3 (east) and O-W1 (west); I-2 by O-E2 (east), O-W2 (west), O-N1 (north).
    """
    rep = site["rep_east"]
    customer = rep.ok(CUSTOMER, {"id": site.ids["C-E1"]})["customer"]
    assert codes([{"code": o["number"]} for o in customer["orders"]]) == ["O-E1", "O-E2"]

    items = {n["code"]: sorted(o["number"] for o in n["orders"]) for n in rep.ok(ITEMS)["items"]["nodes"]}
    assert items == {"I-1": ["O-E1", "O-E3"], "I-2": ["O-E2"]}
    items = {n["code"]: sorted(o["number"] for o in n["orders"]) for n in site["manager"].ok(ITEMS)["items"]["nodes"]}
    assert items == {"I-1": ["O-E1", "O-E3", "O-W1"], "I-2": ["O-E2", "O-N1", "O-W2"]}

    customers = rep.ok(CUSTOMERS)["customers"]["nodes"]
    assert sorted(o["number"] for c in customers for o in c["orders"]) == ["O-E1", "O-E2", "O-E3"]


def test_aggregates_count_only_visible_rows(site):
    """orderStats: east 3 / 175, east+west 5 / 450, everything 6 / 1450, no regions 0 / 0."""
    def stats(user):
        s = site[user].ok(ORDER_STATS)["orderStats"]
        return s["count"], Decimal(s["totalAmount"])

    assert stats("rep_east") == (3, Decimal(175))
    assert stats("rep_ew") == (5, Decimal(450))
    assert stats("manager") == (6, Decimal(1450))
    assert stats("viewer") == (6, Decimal(1450))
    assert stats("rep_none") == (0, Decimal(0))


def test_a_scoped_rep_without_regions_sees_no_rows(site):
    """The policy names the scope but the user has no ``regions``: no row anywhere (not every row)."""
    rep = site["rep_none"]
    assert rep.ok(CUSTOMERS)["customers"] == {"totalCount": 0, "nodes": []}
    assert rep.ok(ORDERS)["orders"] == {"totalCount": 0, "nodes": []}
    assert {n["code"]: n["orders"] for n in rep.ok(ITEMS)["items"]["nodes"]} == {"I-1": [], "I-2": []}
    assert rep.error(ORDER, {"id": site.ids["O-E1"]})["extensions"]["code"] == "NOT_FOUND"


def test_mutations_outside_the_scope_are_not_found_and_change_nothing(site):
    """rep_east may update east orders; a west order or customer is NOT_FOUND and stays as it was."""
    rep = site["rep_east"]
    err = rep.error(ORDER_UPDATE, {"i": {"id": site.ids["O-W1"], "amount": "1"}})
    assert err["extensions"]["code"] == "NOT_FOUND"
    err = rep.error(CUSTOMER_RENAME, {"i": {"id": site.ids["C-W1"], "name": "Mine now"}})
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert site.order_numbers()["O-W1"] == Decimal(200)
    assert site.customer_names()["C-W1"] == "West One"

    done = rep.ok(ORDER_UPDATE, {"i": {"id": site.ids["O-E1"], "amount": "150"}})["orderUpdate"]
    assert (done["number"], Decimal(done["amount"])) == ("O-E1", Decimal(150))
    renamed = rep.ok(CUSTOMER_RENAME, {"i": {"id": site.ids["C-E1"], "name": "East Prime"}})["customerRename"]
    assert renamed["name"] == "East Prime"
    assert site.order_numbers()["O-E1"] == Decimal(150)
    assert site.customer_names()["C-E1"] == "East Prime"


def test_a_rep_with_two_regions_sees_both(site):
    """rep_ew sees east and west (5 orders, 3 customers) but not north, and may update a west order."""
    rep = site["rep_ew"]
    orders = rep.ok(ORDERS)["orders"]
    assert orders["totalCount"] == 5
    assert codes(orders["nodes"], "number") == ["O-E1", "O-E2", "O-E3", "O-W1", "O-W2"]
    assert codes(rep.ok(CUSTOMERS)["customers"]["nodes"]) == ["C-E1", "C-E2", "C-W1"]
    assert rep.error(ORDER, {"id": site.ids["O-N1"]})["extensions"]["code"] == "NOT_FOUND"
    done = rep.ok(ORDER_UPDATE, {"i": {"id": site.ids["O-W2"], "amount": "80"}})["orderUpdate"]
    assert Decimal(done["amount"]) == Decimal(80)
    assert site.order_numbers()["O-W2"] == Decimal(80)


@pytest.mark.parametrize("query,variables", [
    (CUSTOMERS, None), (CUSTOMER, "C-E1"), (ORDERS, None), (ORDER, "O-E1"), (ITEMS, None), (ORDER_STATS, None),
])
def test_no_read_line_is_forbidden_at_the_root_field(site, query, variables):
    """``outsider`` has regions=["east"] but no policy line for scopeplug: every root field is FORBIDDEN."""
    err = site["outsider"].error(query, {"id": site.ids[variables]} if variables else None)
    assert err["extensions"]["code"] == "FORBIDDEN"


def test_no_read_line_for_the_nested_object_means_no_nested_rows(site, make_client):
    """``catalog`` may read items but has no line for orders: ``orders`` is FORBIDDEN at the root, and the
    nested ``item.orders`` path (which has no access check of its own) yields no row rather than every row."""
    with site.app.transaction() as s:
        add_policy_lines(s, [("p", "catalog", "scopeplug.item", "read", "*")])
    catalog = make_client(site.app, api_user(site.app, "catalog_clerk", ["catalog"], {"regions": ["east"]}))
    assert {n["code"]: n["orders"] for n in catalog.ok(ITEMS)["items"]["nodes"]} == {"I-1": [], "I-2": []}
    assert catalog.error(ORDERS)["extensions"]["code"] == "FORBIDDEN"


def test_string_attribute_is_one_region(make_app, make_client):
    """``regions`` given as a plain string (allowed by userCreate's attributes) means that one region,
    not its characters."""
    site = ScopeSite(make_app, make_client, names=["manager"])
    rep = make_client(site.app, api_user(site.app, "rep_str", ["scoped_rep"], {"regions": "east"}))
    stats = rep.ok(ORDER_STATS)["orderStats"]
    assert (stats["count"], Decimal(stats["totalAmount"])) == (3, Decimal(175))


def test_kernel_system_transactions_see_every_row_and_user_transactions_are_scoped(site):
    """The same gate applies to the kernel's unit of work: SYSTEM sees 6 orders and 4 customers;
    a unit of work opened for rep_east sees 3 orders, and an ORM bulk UPDATE touches only those."""
    app = site.app
    with app.transaction() as s:
        assert s.scalar(select(func.count(Order.id))) == 6
        assert s.scalar(select(func.count()).select_from(select(Customer).subquery())) == 4
        assert s.info["actor"] is SYSTEM

    east = Actor(user_id=None, username="rep_east", attributes={"regions": ["east"]})
    with app.transaction(actor=east) as s:
        assert s.scalar(select(func.count(Order.id))) == 3
        assert sorted(s.scalars(select(Order.number))) == ["O-E1", "O-E2", "O-E3"]
        assert s.execute(update(Order).values(amount=Order.amount + 1)).rowcount == 3

    with app.transaction() as s:
        amounts = dict(s.execute(select(Order.number, Order.amount)).all())
    assert amounts == {"O-E1": 101, "O-E2": 51, "O-E3": 26, "O-W1": 200, "O-W2": 75, "O-N1": 1000}

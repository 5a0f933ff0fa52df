"""A list page loads its nested fields with the page (``tenon.graphql.prefetch``), and answers what
the one-object query answers through the DataLoaders (issue 13's read path).

``orders`` primes ``customer`` and ``item`` when the query selects them, under ``nodes`` or
``edges { node }``, through fragments and aliases; ``order(id)`` resolves the same fields one
object at a time. The row scope applies to both (the page's loads run in its session).
"""

import pytest
from scopeplug.testdata import ScopeSite
from tenon.core.testing import count_statements
from tenon.graphql.context import Context

FIELDS = "number amount customer { code name } item { code name }"
ONE = f"query($id: ID!) {{ order(id: $id) {{ id {FIELDS} }} }}"
SPELLINGS = {
    "nodes": f"{{ orders(first: 100) {{ nodes {{ id {FIELDS} }} }} }}",
    "edges": f"{{ orders(first: 100) {{ edges {{ node {{ id {FIELDS} }} }} }} }}",
    "fragments": """fragment Who on Order { customer { code name } }
        { orders(first: 100) { nodes { id number amount ...Who ... on Order { item { code name } } } } }""",
    "aliases": """{ orders(first: 100) { nodes { id number amount
        customer { code name } item { code name } buyer: customer { code } } } }""",
}


@pytest.fixture
def site(make_app, make_client):
    return ScopeSite(make_app, make_client, names=["rep_east", "rep_ew", "manager"])


def _nodes(data):
    page = data["orders"]
    return page["nodes"] if "nodes" in page else [e["node"] for e in page["edges"]]


@pytest.mark.parametrize("user, numbers", [
    ("rep_east", ["O-E1", "O-E2", "O-E3"]),
    ("rep_ew", ["O-E1", "O-E2", "O-E3", "O-W1", "O-W2"]),
    ("manager", ["O-E1", "O-E2", "O-E3", "O-W1", "O-W2", "O-N1"]),
])
@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_page_answers_what_each_order_answers(site, user, numbers, spelling):
    client = site[user]
    nodes = _nodes(client.ok(SPELLINGS[spelling]))
    assert [n["number"] for n in nodes] == numbers
    for n in nodes:
        one = client.ok(ONE, {"id": n["id"]})["order"]
        assert n["customer"] == one["customer"] and n["item"] == one["item"], (n, one)
        assert n["customer"]["code"][2] == n["number"][2]  # O-E* belongs to C-E*: the seeded table
        if spelling == "aliases":
            assert n["buyer"] == {"code": one["customer"]["code"]}


def test_the_page_and_its_nested_fields_cost_one_statement_each(site):
    client = site["manager"]
    client.ok(SPELLINGS["nodes"])  # warm up
    with count_statements(site.app) as statements:
        assert len(_nodes(client.ok(SPELLINGS["nodes"]))) == 6
    # sign-in, the page, its customers, its items
    assert len(statements) == 4, statements
    with count_statements(site.app) as statements:
        client.ok("{ orders(first: 100) { nodes { number } } }")
    assert len(statements) == 2, statements  # nothing loaded that the query did not select


def test_the_page_answers_its_nested_fields_without_the_dataloaders(site, monkeypatch):
    """What makes a page cheap: its ``customer`` and ``item`` come from what it loaded, not from one
    DataLoader call per object; the one-object query still uses the DataLoaders."""
    used: list[str] = []
    batch = Context.batch

    def spy(self, name, fn):
        used.append(name)
        return batch(self, name, fn)

    monkeypatch.setattr(Context, "batch", spy)
    client = site["manager"]
    nodes = _nodes(client.ok(SPELLINGS["fragments"]))
    assert len(nodes) == 6 and all(n["customer"] and n["item"] for n in nodes)
    assert used == []
    client.ok(ONE, {"id": nodes[0]["id"]})
    assert sorted(set(used)) == ["scopeplug.customer_by_id", "scopeplug.item_by_id"]


def test_a_column_list_names_only_columns_the_model_has():
    from scopeplug.models import Customer
    from tenon.graphql.prefetch import columns

    assert [c.key for c in columns(Customer, "id", "name")] == ["id", "name"]
    with pytest.raises(ValueError, match="ScopeCustomer has no column nickname"):
        columns(Customer, "id", "nickname")

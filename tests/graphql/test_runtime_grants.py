"""Runtime grants through the HTTP API reach every worker on its next request.

Two independent app instances open the same site database: ``app`` (the admin's worker) and ``other``
(``Tenon(app.site)``, "another worker", with its own HTTP client). ``clerk`` starts with the role ``clerk``,
which has no policy line, and ``regions=["west"]`` (west: O-W1 and O-W2, of the 6 seeded orders).
"""

import pytest
from scopeplug import plugin
from scopeplug.testdata import ORDER_UPDATE, ORDERS, ScopeSite, api_user

from tenon.core.kernel import Tenon

POLICY_ADD = "mutation($p: PolicyInput!) { policyAdd(policy: $p) { role object action scope } }"
POLICY_REMOVE = "mutation($p: PolicyInput!) { policyRemove(policy: $p) }"
POLICIES = "query($r: String) { policies(role: $r) { role object action scope } }"
USER_UPDATE = "mutation($i: UserUpdateInput!) { userUpdate(input: $i) { username roles attributes } }"
READ_REGION = {"role": "clerk", "object": "scopeplug.order", "action": "read", "scope": "region"}
READ_ALL = {**READ_REGION, "scope": "*"}


class Workers:
    def __init__(self, make_app, make_client, request):
        self.site = ScopeSite(make_app, make_client, names=["admin", "manager"])
        self.app = self.site.app
        self.other = Tenon(self.app.site, extra_plugins=[plugin])
        request.addfinalizer(self.other.dispose)
        token = api_user(self.app, "clerk", ["clerk"], {"regions": ["west"]})
        self.admin = self.site["admin"]
        self.clerk_here = make_client(self.app, token)
        self.clerk_there = make_client(self.other, token)

    def clerk_orders(self, client=None):
        """The order numbers the clerk lists on the other worker, or the error code."""
        body = (client or self.clerk_there).post(ORDERS)
        if body.get("errors"):
            return body["errors"][0]["extensions"]["code"]
        return sorted(n["number"] for n in body["data"]["orders"]["nodes"])


@pytest.fixture
def workers(make_app, make_client, request):
    return Workers(make_app, make_client, request)


def test_policy_add_and_remove_reach_another_worker(workers):
    w = workers
    assert w.clerk_orders() == "FORBIDDEN"  # the other worker has loaded the policies as they were

    assert w.admin.ok(POLICY_ADD, {"p": READ_REGION})["policyAdd"] == READ_REGION
    assert w.clerk_orders() == ["O-W1", "O-W2"]
    assert w.clerk_orders(w.clerk_here) == ["O-W1", "O-W2"]

    w.admin.ok(POLICY_ADD, {"p": READ_ALL})  # a `*` line besides the scoped one: every row
    assert len(w.clerk_orders()) == 6

    assert w.admin.ok(POLICY_REMOVE, {"p": READ_ALL}) == {"policyRemove": True}
    assert w.clerk_orders() == ["O-W1", "O-W2"]
    assert w.admin.ok(POLICY_REMOVE, {"p": READ_REGION}) == {"policyRemove": True}
    assert w.clerk_orders() == "FORBIDDEN"
    assert w.clerk_orders(w.clerk_here) == "FORBIDDEN"
    assert w.admin.ok(POLICY_REMOVE, {"p": READ_REGION}) == {"policyRemove": False}
    assert w.admin.ok(POLICIES, {"r": "clerk"}) == {"policies": []}


def test_user_update_roles_and_attributes_reach_another_worker(workers):
    w = workers
    assert w.clerk_orders() == "FORBIDDEN"

    user = w.admin.ok(USER_UPDATE, {"i": {"username": "clerk", "roles": ["manager"]}})["userUpdate"]
    assert user["roles"] == ["manager"]
    assert len(w.clerk_orders()) == 6
    done = w.clerk_there.ok(ORDER_UPDATE, {"i": {"id": w.site.ids["O-N1"], "amount": "999"}})
    assert done["orderUpdate"]["number"] == "O-N1"

    w.admin.ok(USER_UPDATE, {"i": {"username": "clerk", "roles": ["scoped_rep"]}})
    assert w.clerk_orders() == ["O-W1", "O-W2"]
    w.admin.ok(USER_UPDATE, {"i": {"username": "clerk", "attributes": {"regions": ["north", "east"]}}})
    assert w.clerk_orders() == ["O-E1", "O-E2", "O-E3", "O-N1"]

    user = w.admin.ok(USER_UPDATE, {"i": {"username": "clerk", "roles": []}})["userUpdate"]
    assert user["roles"] == []
    assert w.clerk_orders() == "FORBIDDEN"
    err = w.clerk_there.error(ORDER_UPDATE, {"i": {"id": w.site.ids["O-N1"], "amount": "1"}})
    assert err["extensions"]["code"] == "FORBIDDEN"


def test_only_admins_grant(workers):
    """The manager may do everything on scopeplug objects but not grant: FORBIDDEN, and no line is added."""
    w = workers
    manager = w.site["manager"]
    for doc in (POLICY_ADD, POLICY_REMOVE):
        assert manager.error(doc, {"p": READ_ALL})["extensions"]["code"] == "FORBIDDEN"
    err = manager.error(USER_UPDATE, {"i": {"username": "clerk", "roles": ["manager"]}})
    assert err["extensions"]["code"] == "FORBIDDEN"
    assert w.admin.ok(POLICIES, {"r": "clerk"}) == {"policies": []}
    assert w.clerk_orders() == "FORBIDDEN"


def test_an_unknown_scope_name_fails_closed(workers):
    """A grant naming a scope no plugin declares (a typo) allows the root field but no row, never every row."""
    w = workers
    w.admin.ok(POLICY_ADD, {"p": {**READ_REGION, "scope": "regoin"}})
    assert w.clerk_orders() == []
    w.admin.ok(POLICY_ADD, {"p": READ_REGION})  # scopes are OR-ed: the real one adds its rows
    assert w.clerk_orders() == ["O-W1", "O-W2"]

"""``explainAccess``: which roles and policy lines allow an action, and which rows a read covers.

The row scope text is the SQL criterion the kernel adds to every ORM statement of the user's requests
(``scopeplug_order.region IN ('east')``), ``all rows`` for a ``*`` line, ``no rows`` when only scoped lines
apply and the user has no matching attribute values; for actions other than ``read`` it is null.
"""

import pytest
from scopeplug.testdata import ScopeSite

EXPLAIN = """query($u: String!, $o: String!, $a: String!) {
  explainAccess(username: $u, object: $o, action: $a) {
    username object action allowed roles policies { role object action scope } rowScope
  }
}"""


@pytest.fixture
def site(make_app, make_client):
    return ScopeSite(make_app, make_client)


def explain(site, username, obj="scopeplug.order", action="read", as_user="admin"):
    return site[as_user].ok(EXPLAIN, {"u": username, "o": obj, "a": action})["explainAccess"]


def test_scoped_read_shows_role_line_and_filter(site):
    e = explain(site, "rep_east")
    assert e["allowed"] is True
    assert e["roles"] == ["scoped_rep", "user"]
    assert e["policies"] == [{"role": "scoped_rep", "object": "scopeplug.order", "action": "read", "scope": "region"}]
    assert e["rowScope"] == "region: scopeplug_order.region IN ('east')"

    e = explain(site, "rep_ew", obj="scopeplug.customer")
    assert e["rowScope"] == "region: scopeplug_customer.region IN ('east', 'west')"


def test_unscoped_reads_and_no_values(site):
    assert explain(site, "manager")["rowScope"] == "all rows"
    assert explain(site, "manager")["policies"] == [
        {"role": "manager", "object": "scopeplug.order", "action": "*", "scope": "*"}]
    assert explain(site, "viewer")["rowScope"] == "all rows"
    assert explain(site, "admin")["policies"] == [{"role": "admin", "object": "*", "action": "*", "scope": "*"}]
    # the scoped line applies but the user has no regions: the criterion is FALSE
    none = explain(site, "rep_none")
    assert none["allowed"] is True and none["rowScope"] == "region: false"


def test_unscoped_object_and_other_actions(site):
    item = explain(site, "rep_east", obj="scopeplug.item")
    assert item["allowed"] is True and item["rowScope"] is None  # items declare no row scope
    update = explain(site, "rep_east", action="update")
    assert update["allowed"] is True and update["rowScope"] is None
    assert update["policies"] == [
        {"role": "scoped_rep", "object": "scopeplug.order", "action": "update", "scope": "region"}]


def test_denied(site):
    """viewer may not update; outsider may not even read: allowed=false, no policy line, no rows."""
    e = explain(site, "viewer", action="update")
    assert (e["allowed"], e["policies"], e["rowScope"]) == (False, [], None)
    e = explain(site, "outsider")
    assert (e["allowed"], e["policies"], e["rowScope"]) == (False, [], "no rows")
    assert e["roles"] == ["outsider", "user"]


def test_explaining_needs_the_policy_read_grant(site):
    err = site["manager"].post(EXPLAIN, {"u": "rep_east", "o": "scopeplug.order", "a": "read"})["errors"][0]
    assert err["extensions"]["code"] == "FORBIDDEN"
    err = site["admin"].post(EXPLAIN, {"u": "ghost", "o": "scopeplug.order", "a": "read"})["errors"][0]
    assert err["extensions"]["code"] == "NOT_FOUND"

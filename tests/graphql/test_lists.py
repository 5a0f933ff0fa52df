"""List conventions: typed filter and ordering inputs, stable pages, roles loaded per page."""

from __future__ import annotations

from tenon.core.testing import create_user

USERS = """query($f: UserFilter, $o: UserOrder, $first: Int, $after: String) {
  users(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { username displayName active roles } } }"""


def names(page):
    return [n["username"] for n in page["nodes"]]


def test_filter_and_order_users(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    for name, roles in (("anna", ["auditor"]), ("bert", []), ("cleo", ["auditor"]), ("dave", [])):
        create_user(app, name, roles=roles)
    admin.ok('mutation { userUpdate(input: {username: "dave", active: false, displayName: "Aaron Dave"}) { active } }')

    by_name = admin.ok(USERS)["users"]
    assert names(by_name) == ["anna", "bert", "cleo", "dave", "root"]
    desc = admin.ok(USERS, {"o": {"field": "USERNAME", "direction": "DESC"}})["users"]
    assert names(desc) == ["root", "dave", "cleo", "bert", "anna"]
    by_display = admin.ok(USERS, {"o": {"field": "DISPLAY_NAME"}})["users"]
    assert names(by_display)[0] == "dave", "display name 'Aaron Dave' sorts first"

    auditors = admin.ok(USERS, {"f": {"role": "auditor"}})["users"]
    assert names(auditors) == ["anna", "cleo"] and auditors["totalCount"] == 2
    assert all(n["roles"] == ["auditor"] for n in auditors["nodes"])
    inactive = admin.ok(USERS, {"f": {"active": False}})["users"]
    assert names(inactive) == ["dave"]
    searched = admin.ok(USERS, {"f": {"search": "AARON"}})["users"]
    assert names(searched) == ["dave"], "search is case-insensitive and covers display names"


def test_pages_are_stable_and_complete(make_app, make_client):
    """5 users, pages of 2 in DESC order: 2 + 2 + 1, no overlap, no gap."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    for name in ("u1", "u2", "u3", "u4"):
        create_user(app, name)
    seen, after = [], None
    while True:
        page = admin.ok(USERS, {"o": {"field": "CREATED_AT", "direction": "DESC"}, "first": 2, "after": after})["users"]
        seen.extend(names(page))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["root", "u1", "u2", "u3", "u4"] and len(seen) == 5


def test_bad_enum_value_is_a_clear_input_error(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    err = admin.error(USERS, {"o": {"field": "PASSWORD"}})
    assert err["extensions"]["code"] == "BAD_USER_INPUT"


EDGES = """query($first: Int, $after: String) { users(first: $first, after: $after) {
  pageInfo { startCursor endCursor } edges { cursor node { username roles } } nodes { username } } }"""


def test_edges_carry_the_page_nodes_and_cursors_that_page_on(make_app, make_client):
    """``users`` replaces its page's nodes (roles loaded per page): the edges show the same nodes, and
    an edge's cursor passed as ``after`` starts the next page right after that edge."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    for name in ("u1", "u2", "u3"):
        create_user(app, name, roles=["auditor"])
    page = admin.ok(EDGES, {"first": 3})["users"]
    edges = page["edges"]
    assert [e["node"]["username"] for e in edges] == names(page) == ["root", "u1", "u2"]
    assert [e["node"]["roles"] for e in edges] == [["admin"], ["auditor"], ["auditor"]]
    assert (edges[0]["cursor"], edges[-1]["cursor"]) == (page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"])
    after_first = admin.ok(EDGES, {"first": 2, "after": edges[0]["cursor"]})["users"]
    assert names(after_first) == ["u1", "u2"]
    assert after_first["edges"][0]["cursor"] == edges[1]["cursor"]

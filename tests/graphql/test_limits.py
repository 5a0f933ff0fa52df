"""Protections of the API: query depth, aliases, tokens, page size, introspection, request size.

Limits come from the site's ``[api]`` settings; an operation over a limit is refused before it runs
(``GRAPHQL_VALIDATION_FAILED``, with a message that says which limit), a page too large is a
``VALIDATION`` error on ``first``.
"""

from __future__ import annotations

from tenon.core.testing import create_user

ME = "me { username }"


def _client(make_app, make_client, **api):
    app = make_app(plugins=[], settings={"api": api} if api else None)
    return make_client(app, create_user(app, "boss", roles=["admin"]))


def test_depth_limit(make_app, make_client):
    """max_depth 2: `users { nodes { username } }` runs; `users { edges { node { username } } }`, one
    level deeper, is refused before it runs, with a message about the depth."""
    c = _client(make_app, make_client, max_depth=2)
    assert c.ok("{ users { nodes { username } } }")["users"]["nodes"] == [{"username": "boss"}]
    err = c.error("{ users { edges { node { username } } } }")
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "depth" in err["message"]


def test_depth_limit_counts_through_fragments(make_app, make_client):
    """The same too deep selection hidden in a fragment is refused too."""
    c = _client(make_app, make_client, max_depth=2)
    err = c.error("{ users { ...E } } fragment E on UserTypeConnection { edges { node { username } } }")
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_alias_limit(make_app, make_client):
    """max_aliases 3: three aliased `me` run; four are refused before anything runs."""
    c = _client(make_app, make_client, max_aliases=3)
    assert len(c.ok("{ a: %s b: %s c: %s }" % (ME, ME, ME))) == 3
    err = c.error("{ a: %s b: %s c: %s d: %s }" % (ME, ME, ME, ME))
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in err["message"]


def test_default_alias_limit(make_app, make_client):
    """The default allows 30 aliases: 31 are refused."""
    c = _client(make_app, make_client)
    assert len(c.ok("{ %s }" % " ".join(f"a{i}: __typename" for i in range(30)))) == 30
    err = c.error("{ %s }" % " ".join(f"a{i}: __typename" for i in range(31)))
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_token_limit(make_app, make_client):
    """max_tokens 20: `{ me { username } }` (6 tokens) runs; a document of 30 tokens is refused."""
    c = _client(make_app, make_client, max_tokens=20)
    assert c.ok("{ me { username } }")
    err = c.error("{ %s }" % " ".join(["__typename"] * 28))
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "tokens" in err["message"]


def test_default_token_limit(make_app, make_client):
    """The default allows 5,000 tokens: 5,001 `__typename` selections are refused."""
    c = _client(make_app, make_client)
    err = c.error("{ %s }" % " ".join(["__typename"] * 5001))
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_page_size_limit(make_app, make_client):
    """max_page_size 2 (3 users exist): first 2 gives 2 with a next page; first 3 is VALIDATION on `first`
    with the maximum in the details; negative sizes and bad cursors are VALIDATION too."""
    app = make_app(plugins=[], settings={"api": {"max_page_size": 2, "default_page_size": 2}})
    c = make_client(app, create_user(app, "boss", roles=["admin"]))
    create_user(app, "carl")
    create_user(app, "dora")
    page = c.ok("{ users(first: 2) { nodes { username } pageInfo { hasNextPage } totalCount } }")["users"]
    assert (len(page["nodes"]), page["pageInfo"]["hasNextPage"], page["totalCount"]) == (2, True, 3)

    err = c.error("{ users(first: 3) { totalCount } }")
    assert err["extensions"] == {"code": "VALIDATION", "field": "first", "details": {"max": 2}}
    assert c.error("{ users(first: -1) { totalCount } }")["extensions"]["code"] == "VALIDATION"
    assert c.error('{ users(after: "garbage") { totalCount } }')["extensions"] == {"code": "VALIDATION", "field": "after"}
    # without `first` the default page size applies
    assert len(c.ok("{ users { nodes { username } } }")["users"]["nodes"]) == 2


def test_default_page_size_limit(make_app, make_client):
    c = _client(make_app, make_client)
    assert c.error("{ users(first: 101) { totalCount } }")["extensions"]["code"] == "VALIDATION"
    assert c.ok("{ users(first: 100) { totalCount } }")["users"]["totalCount"] == 1


INTROSPECT = "{ __schema { queryType { name } } }"


def test_introspection_is_on_by_default(make_app, make_client):
    c = _client(make_app, make_client)
    assert c.ok(INTROSPECT) == {"__schema": {"queryType": {"name": "Query"}}}


def test_introspection_can_be_switched_off(make_app, make_client):
    """With `[api] introspection = false` schema introspection is refused (also __type), while
    `__typename` and ordinary queries still work."""
    c = _client(make_app, make_client, introspection=False)
    err = c.error(INTROSPECT)
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in err["message"].lower()
    assert c.error('{ __type(name: "Query") { name } }')["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert c.ok("{ __typename me { username } }") == {"__typename": "Query", "me": {"username": "boss"}}


def test_an_oversized_request_body_is_refused(make_app, make_client):
    """The body limit is `[uploads] max_bytes` plus 1 MiB: a 1 KiB limit refuses a 1.2 MiB request
    with HTTP 413 before GraphQL sees it."""
    app = make_app(plugins=[], settings={"uploads": {"max_bytes": 1024}})
    c = make_client(app, create_user(app, "boss", roles=["admin"]))
    query = "{ __typename }" + " " * (1_200_000)
    response = c.http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {c.token}"})
    assert response.status_code == 413

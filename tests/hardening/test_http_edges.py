"""The GraphQL endpoint's edges (issue 14, items 6 and 7): the standard introspection query answers
signed-in users without error and nobody else; malformed bodies are 400, never 500."""

from __future__ import annotations

import pytest
from graphql import build_client_schema, get_introspection_query

from plugins.orders.helpers import api_user


@pytest.fixture
def site(make_app, make_client):
    app = make_app()
    return make_client(app), make_client(app, api_user(app, "viewer", []))


def test_standard_introspection_query_answers_a_signed_in_user(site):
    _anonymous, user = site
    body = user.post(get_introspection_query(descriptions=True, input_value_deprecation=True))
    assert not body.get("errors"), body.get("errors")
    schema = build_client_schema(body["data"])  # what code generators do with it
    assert schema.get_type("UserCreateInput") is not None and schema.query_type.fields["salesOrders"]


def test_introspection_is_refused_without_a_valid_token(site):
    anonymous, _user = site
    for client in (anonymous, anonymous.as_token("garbage-token")):
        for query in ("{ __schema { queryType { name } } }", '{ __type(name: "Query") { name } }',
                      "query { ...F } fragment F on Query { __schema { types { name } } }"):
            err = client.error(query)
            assert err["extensions"]["code"] == "UNAUTHENTICATED", err
    assert anonymous.ok("{ __typename }") == {"__typename": "Query"}


def test_introspection_setting_true_lets_anyone_in(make_app, make_client):
    client = make_client(make_app(plugins=[], settings={"api": {"introspection": True}}))
    assert client.ok("{ __schema { queryType { name } } }")["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize("body", [b'"a string"', b"42", b"null", b"true", b'{"query": "\xff\xfe"}', b"\xff{}"])
def test_malformed_bodies_are_400(site, body):
    anonymous, _user = site
    response = anonymous.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, (body, response.status_code, response.text)
    assert response.json()["errors"][0]["message"]


def test_well_formed_body_still_works_after_the_guard(site):
    _anonymous, user = site
    response = user.http.post("/graphql", content=b'{"query": "{ me { username } }"}',
                              headers={"content-type": "application/json; charset=utf-8",
                                       "authorization": f"Bearer {user.token}"})
    assert response.status_code == 200 and response.json()["data"]["me"]["username"] == "viewer"

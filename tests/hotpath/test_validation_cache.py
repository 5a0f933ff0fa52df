"""The validation cache hits: an operation sent again is not validated again (issue 13).

The depth and alias limits are validation rules built once per schema; built per request they made
every request's cache key new, so the same query was validated on every request.
"""

from __future__ import annotations

import strawberry.schema.schema as strawberry_schema

from tenon.core.testing import create_user


def _count_validations(monkeypatch) -> list[int]:
    calls = [0]
    real = strawberry_schema.validate

    def counting(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    return calls


def test_the_same_operation_is_validated_once(make_app, make_client, monkeypatch):
    app = make_app(plugins=[])
    client = make_client(app, create_user(app, "boss", roles=["admin"]))
    calls = _count_validations(monkeypatch)
    query = "query Hot { me { username } users(first: 5) { nodes { username } } }"
    for _ in range(20):
        assert client.ok(query)["me"]["username"] == "boss"
    assert calls[0] == 1, f"validated {calls[0]} times for 20 identical requests"
    assert client.ok("{ me { username } }")["me"]["username"] == "boss"
    assert calls[0] == 2  # a different document is validated


def test_cached_validation_still_applies_the_limits(make_app, make_client, monkeypatch):
    """A refused operation stays refused when it comes again (the cached result is the refusal)."""
    app = make_app(plugins=[], settings={"api": {"max_depth": 2, "max_aliases": 2}})
    client = make_client(app, create_user(app, "boss", roles=["admin"]))
    calls = _count_validations(monkeypatch)
    for _ in range(3):
        err = client.error("{ users { edges { node { username } } } }")
        assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "depth" in err["message"]
        err = client.error("{ a: me { username } b: me { username } c: me { username } }")
        assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "aliases" in err["message"]
    assert calls[0] == 2

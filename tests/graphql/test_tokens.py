"""Bearer tokens: expiry, revocation, deactivated users, API tokens, login throttling."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from tenon.core.models import Token
from tenon.core.testing import create_user

ME = "{ me { username } }"
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt } }"


def test_session_token_expires(make_app, make_client):
    """A session token stops working once its expiry passes (sessions last `auth.session_hours`)."""
    app = make_app(plugins=[], settings={"auth": {"session_hours": 8}})
    create_user(app, "ann", password="ann-pass-12")
    data = make_client(app).ok(LOGIN, {"u": "ann", "p": "ann-pass-12"})["login"]
    expires = dt.datetime.fromisoformat(data["expiresAt"])
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=7, minutes=59) < expires - now <= dt.timedelta(hours=8)

    client = make_client(app, data["token"])
    assert client.ok(ME) == {"me": {"username": "ann"}}
    with app.transaction() as s:  # let the clock run past the expiry
        s.execute(update(Token).where(Token.kind == "session").values(expires_at=now - dt.timedelta(seconds=1)))
    assert client.error(ME)["extensions"]["code"] == "UNAUTHENTICATED"


def test_api_token_for_a_device_is_revocable(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    create_user(app, "scanner7", roles=[])
    issued = admin.ok('mutation { apiTokenCreate(username: "scanner7", name: "PDA 7") { id token } }')["apiTokenCreate"]
    device = make_client(app, issued["token"])
    assert device.ok(ME) == {"me": {"username": "scanner7"}}

    denied = device.error(f'mutation {{ tokenRevoke(id: "{issued["id"]}") }}')
    assert denied["extensions"]["code"] == "FORBIDDEN"
    assert device.ok(ME) == {"me": {"username": "scanner7"}}, "a denied revoke changed nothing"

    assert admin.ok(f'mutation {{ tokenRevoke(id: "{issued["id"]}") }}') == {"tokenRevoke": True}
    assert device.error(ME)["extensions"]["code"] == "UNAUTHENTICATED"
    assert admin.error('mutation { tokenRevoke(id: "999999") }')["extensions"]["code"] == "NOT_FOUND"


def test_deactivated_user_cannot_sign_in_and_tokens_stop(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    token = create_user(app, "leaver", password="leaver-pass-1")
    assert make_client(app, token).ok(ME) == {"me": {"username": "leaver"}}
    admin.ok('mutation { userUpdate(input: {username: "leaver", active: false}) { active } }')
    assert make_client(app, token).error(ME)["extensions"]["code"] == "UNAUTHENTICATED"
    err = make_client(app).error(LOGIN, {"u": "leaver", "p": "leaver-pass-1"})
    assert err["extensions"]["code"] == "UNAUTHENTICATED"


def test_repeated_failures_are_throttled(make_app, make_client):
    """After `auth.max_failures` (3 here) wrong passwords, even the right one is refused for a while,
    and an unknown username is throttled the same way (no way to probe which users exist)."""
    app = make_app(plugins=[], settings={"auth": {"max_failures": 3}})
    create_user(app, "cara", password="cara-pass-12")
    anon = make_client(app)
    for _ in range(3):
        assert anon.error(LOGIN, {"u": "cara", "p": "guess-guess"})["extensions"]["code"] == "UNAUTHENTICATED"
    assert anon.error(LOGIN, {"u": "cara", "p": "cara-pass-12"})["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    for _ in range(3):
        anon.error(LOGIN, {"u": "nobody", "p": "guess-guess"})
    assert anon.error(LOGIN, {"u": "nobody", "p": "guess-guess"})["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    create_user(app, "dora", password="dora-pass-12")
    assert anon.ok(LOGIN, {"u": "dora", "p": "dora-pass-12"})["login"]["token"], "other users are unaffected"


def test_malformed_authorization_header_is_anonymous(make_app, make_client):
    app = make_app(plugins=[])
    client = make_client(app)
    body = client.post(ME, headers={"Authorization": "Basic abc"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = client.post(ME, headers={"Authorization": "Bearer tnn_forged"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_health_is_public(make_app, make_client):
    app = make_app(plugins=[])
    response = make_client(app).http.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["database"]["ok"] is True
    assert body["plugins"]["core"]

"""Signing in and out through the HTTP API, as a client does."""

from tenon.core.testing import create_user

ME = "{ me { username roles attributes } }"


def test_login_me_logout(make_app, make_client):
    app = make_app(plugins=[])
    create_user(app, "alice", roles=["auditor"], attributes={"regions": ["east"]}, password="alice-pass-1")
    client = make_client(app).login("alice", "alice-pass-1")

    assert client.ok(ME)["me"] == {"username": "alice", "roles": ["auditor"], "attributes": {"regions": ["east"]}}
    assert client.ok("mutation { logout }") == {"logout": True}
    assert client.error(ME)["extensions"]["code"] == "UNAUTHENTICATED"


def test_wrong_password_and_unknown_user_get_the_same_answer(make_app, make_client):
    app = make_app(plugins=[])
    create_user(app, "bob", password="bob-pass-12")
    anon = make_client(app)
    login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
    wrong = anon.error(login, {"u": "bob", "p": "nope-nope"})
    ghost = anon.error(login, {"u": "ghost", "p": "nope-nope"})
    assert wrong["extensions"]["code"] == ghost["extensions"]["code"] == "UNAUTHENTICATED"
    assert wrong["message"] == ghost["message"]


def test_anonymous_requests_are_refused(make_app, make_client):
    app = make_app(plugins=[])
    assert make_client(app).error(ME)["extensions"]["code"] == "UNAUTHENTICATED"

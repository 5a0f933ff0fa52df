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


def test_user_create_and_update_refuse_a_role_no_policy_line_defines(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    create = "mutation($i: UserCreateInput!) { userCreate(input: $i) { username roles } }"
    err = admin.error(create, {"i": {"username": "carl", "password": "carl-pass-1", "roles": ["auditor", "audtor"]}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "roles"}
    assert err["message"].startswith("unknown role(s) audtor; known roles: admin, auditor, config_approver, config_manager, user")
    assert admin.ok('{ users(filter: {search: "carl"}) { totalCount } }')["users"]["totalCount"] == 0

    created = admin.ok(create, {"i": {"username": "carl", "password": "carl-pass-1", "roles": ["auditor"]}})
    assert created["userCreate"] == {"username": "carl", "roles": ["auditor"]}
    update = "mutation($i: UserUpdateInput!) { userUpdate(input: $i) { roles } }"
    err = admin.error(update, {"i": {"username": "carl", "roles": ["nosuch"]}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "roles"}
    assert admin.ok(update, {"i": {"username": "carl", "roles": ["admin"]}})["userUpdate"]["roles"] == ["admin"]

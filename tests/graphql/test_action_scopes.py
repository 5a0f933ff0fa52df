"""A scope on a non-read policy line narrows the targets of that action, not only the reads."""

from __future__ import annotations

from scopeplug.testdata import ORDER_UPDATE, ScopeSite, api_user


def test_read_everything_but_update_only_own_region(make_app, make_client):
    """`regional_editor` reads every order (`read *`) but updates only her region's (`update region`).
    With regions=[east], she may change O-E1 (east) and gets NOT_FOUND for O-W1 (west), which stays 200."""
    site = ScopeSite(make_app, make_client, names=["manager", "admin"])
    site["admin"].ok('mutation { policyAdd(policy: {role: "regional_editor", object: "scopeplug.order", action: "read"}) { role } }')
    site["admin"].ok('mutation { policyAdd(policy: {role: "regional_editor", object: "scopeplug.order", action: "update", scope: "region"}) { role } }')
    editor = make_client(site.app, api_user(site.app, "ed", ["regional_editor"], {"regions": ["east"]}))

    assert len(editor.ok("{ orders { nodes { number } } }")["orders"]["nodes"]) == 6, "reads every row"

    changed = editor.ok(ORDER_UPDATE, {"i": {"id": str(site.ids["O-E1"]), "amount": "111"}})
    assert changed["orderUpdate"] == {"number": "O-E1", "amount": "111"}

    refused = editor.error(ORDER_UPDATE, {"i": {"id": str(site.ids["O-W1"]), "amount": "1"}})
    assert refused["extensions"]["code"] == "NOT_FOUND"
    assert site.order_numbers()["O-W1"] == 200, "nothing changed"
    assert len(editor.ok("{ orders { nodes { number } } }")["orders"]["nodes"]) == 6, "reads are not narrowed afterwards"

"""``tenon migrate`` after a plugin's new version changed its default policies and sequences.

The plugin ``upg`` is an installed distribution (entry point); its code is swapped from 0.1.0 to
0.2.0 between two CLI runs, the way ``pip install -U`` would. Migrate adds what 0.2.0 declares
new, removes what only 0.1.0 declared, and keeps users' role assignments, admins' runtime grants,
and a dropped sequence whose numbers were issued.
"""

from __future__ import annotations

import importlib
import shutil
import sys

from sqlalchemy import select

from tenon.core.access import add_policy_lines
from tenon.core.kernel import Tenon
from tenon.core.models import CasbinRule, SequenceDef
from tenon.core.sequences import next_number
from tenon.core.testing import create_user

PLUGIN = '''
    from tenon import PluginInfo, hookimpl
    from tenon.core.sequences import SequenceSpec


    @hookimpl
    def tenon_plugin_info():
        return PluginInfo(name="upg", version="{version}", summary="Upgrade test")


    @hookimpl
    def tenon_policies(app):
        return {policies!r}


    @hookimpl
    def tenon_sequences(app):
        return [SequenceSpec(code=c, prefix=p) for c, p in {sequences!r}]
'''

V1_POLICIES = [
    ("p", "upg_clerk", "upg.thing", "read", "*"),
    ("p", "upg_clerk", "upg.thing", "update", "*"),  # dropped in 0.2.0
    ("p", "upg_boss", "upg.thing", "delete", "*"),
    ("g", "upg_boss", "upg_clerk"),
]
V2_POLICIES = [
    ("p", "upg_clerk", "upg.thing", "read", "*"),
    ("p", "upg_clerk", "upg.thing", "create", "*"),  # new in 0.2.0
    ("p", "upg_boss", "upg.thing", "delete", "*"),
    ("g", "upg_boss", "upg_clerk"),
]
V1_SEQUENCES = [("upg.used", "U-"), ("upg.unused", "N-"), ("upg.renamed", "R-")]
V2_SEQUENCES = [("upg.renamed", "RR-"), ("upg.fresh", "F-")]

EXPLAIN = """query($u: String!, $a: String!) {
  explainAccess(username: $u, object: "upg.thing", action: $a) { allowed roles }
}"""


def lines(app: Tenon) -> set[tuple[str, ...]]:
    with app.transaction() as s:
        return {(r.ptype, *r.values()) for r in s.scalars(select(CasbinRule))}


def write_version(write_distribution, version, policies, sequences):
    for mod in [m for m in sys.modules if m == "tenon_upg" or m.startswith("tenon_upg.")]:
        del sys.modules[mod]
    pkg = write_distribution("tenon_upg", "upg", {"plugin.py": PLUGIN.format(
        version=version, policies=policies, sequences=sequences)}, version=version)
    shutil.rmtree(pkg / "__pycache__", ignore_errors=True)
    importlib.invalidate_caches()


def test_migrate_applies_changed_default_policies_and_sequences(make_app, make_client, cli, write_distribution,
                                                                   tmp_path):
    write_version(write_distribution, "0.1.0", V1_POLICIES, V1_SEQUENCES)
    app = make_app(plugins=[])
    site = str(app.site.path)
    assert cli("--site", site, "plugins", "install", "upg").exit_code == 0

    v1 = Tenon(app.site)
    create_user(v1, "clara", roles=["upg_clerk"])
    create_user(v1, "bob", roles=["upg_boss"])
    with v1.transaction() as s:
        add_policy_lines(s, [("p", "auditor", "upg.thing", "read", "*")])  # an admin's runtime grant
        assert next_number(s, "upg.used") == "U-00001"
    v1.dispose()
    before = lines(app)
    assert set(V1_POLICIES) <= before

    # the package is upgraded: 0.2.0 replaces update with create and changes its sequences
    dist = next((tmp_path / "site-packages").glob("tenon_upg-0.1.0.dist-info"))
    shutil.rmtree(dist)
    write_version(write_distribution, "0.2.0", V2_POLICIES, V2_SEQUENCES)
    result = cli("--site", site, "migrate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "upgraded upg 0.1.0 -> 0.2.0",
        "  + policy p, upg_clerk, upg.thing, create, *",
        "  - policy p, upg_clerk, upg.thing, update, *",
        "  + sequence upg.fresh",
        "  ~ sequence upg.renamed (definition changed)",
        "  - sequence upg.unused",
        "  = sequence upg.used kept: no longer declared, but numbers were issued",
        "migrated; versions updated: upg",
    ]

    after = lines(app)
    assert after - before == {("p", "upg_clerk", "upg.thing", "create", "*")}
    assert before - after == {("p", "upg_clerk", "upg.thing", "update", "*")}
    assert {("g", "user:clara", "upg_clerk"), ("g", "user:bob", "upg_boss"),
            ("p", "auditor", "upg.thing", "read", "*")} <= after

    v2 = Tenon(app.site)
    assert v2.installed_versions()["upg"] == "0.2.0"
    with v2.transaction() as s:
        seqs = {d.code: d.prefix for d in s.scalars(select(SequenceDef).where(SequenceDef.plugin == "upg"))}
        assert seqs == {"upg.used": "U-", "upg.renamed": "RR-", "upg.fresh": "F-"}
        assert next_number(s, "upg.fresh") == "F-00001"
    admin = make_client(v2, create_user(v2, "root", roles=["admin"]))
    for user, action, allowed in (("clara", "create", True), ("clara", "update", False), ("clara", "read", True),
                                  ("bob", "create", True), ("bob", "delete", True)):
        got = admin.ok(EXPLAIN, {"u": user, "a": action})["explainAccess"]
        assert got["allowed"] is allowed, (user, action)
    assert admin.ok(EXPLAIN, {"u": "clara", "a": "read"})["explainAccess"]["roles"] == ["upg_clerk", "user"]

    settled = lines(app)
    again = cli("--site", site, "migrate")  # nothing more to do
    assert again.stdout.splitlines() == ["migrated; versions updated: none"]
    assert lines(app) == settled
    v2.dispose()


def test_a_revoked_default_line_stays_revoked_across_an_upgrade(make_app, make_plugin):
    """Lines both versions declare are left as the site has them: an admin's revocation survives."""
    from tenon.core.access import remove_policy_lines
    from tenon.core.installer import migrate_all

    keep = ("p", "rv_user", "rv.thing", "read", "*")
    old = make_plugin("rv", "0.1.0", label="rv1", tenon_policies=lambda app: [keep])
    app = make_app(plugins=["rv"], extra_plugins=[old])
    with app.transaction() as s:
        remove_policy_lines(s, [keep])
    new = make_plugin("rv", "0.2.0", label="rv2",
                      tenon_policies=lambda app: [keep, ("p", "rv_user", "rv.thing", "create", "*")])
    upgraded = Tenon(app.site, extra_plugins=[new])
    [up] = migrate_all(upgraded)
    assert (up.added_policies, up.removed_policies) == ([("p", "rv_user", "rv.thing", "create", "*")], [])
    assert keep not in lines(upgraded)
    upgraded.dispose()

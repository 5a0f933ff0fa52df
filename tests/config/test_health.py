"""The health check: each kernel finding from a site built to have it, stored reports compared over
time, the CLI's exit status, and a clean demo site without error-level findings."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from cfgplug import CfgPlug
from scopeplug import plugin as scopeplug
from sqlalchemy import text, update

from tenon import PluginInfo, hookimpl
from tenon.core.access import add_policy_lines
from tenon.core.db import utcnow
from tenon.core.models import Token
from tenon.core.testing import create_user

REPORT = """query($days: Int) { healthReport(days: $days) { id score errors warnings
  findings { section code severity subject message suggestion } } }"""


def _cli(app, *args):
    from tenon.core.cli import cli

    return CliRunner().invoke(cli, ["--site", str(app.site.path), *args], catch_exceptions=False)


def _found(report):
    return {(f["code"], f["subject"]): f for f in report["findings"]}


def test_each_permission_finding_from_a_site_built_to_have_it(make_app, make_client):
    app = make_app(plugins=["scopeplug", "cfgplug"], extra_plugins=[scopeplug, CfgPlug()])
    root = make_client(app, create_user(app, "root", roles=["admin"]))
    for name in ("a1", "a2", "a3"):
        create_user(app, name, roles=["admin"])
    create_user(app, "lonely")
    create_user(app, "rep", roles=["scoped_rep"])  # scoped by region, without a regions attribute
    create_user(app, "rep2", roles=["scoped_rep"], attributes={"regions": ["east"]})
    create_user(app, "odd", roles=["oddrole"], attributes={"regions": ["east"]})
    with app.transaction() as s:
        add_policy_lines(s, [("p", "writer", "scopeplug.item", "update", "*"),
                             ("p", "ghost_role", "ghostplug.thing", "read", "*"),
                             ("p", "oddrole", "scopeplug.order", "read", "galaxy")])
        old = utcnow() - dt.timedelta(days=200)
        lonely_token = s.scalar(text("SELECT t.id FROM core_token t JOIN core_user u ON u.id = t.user_id "
                                     "WHERE u.username = 'lonely'"))
        s.execute(update(Token).where(Token.id == lonely_token).values(created_at=old, last_used_at=old))

    report = root.ok(REPORT)["healthReport"]
    found = _found(report)
    expected = {
        ("core.user_without_role", "user lonely"): ("permissions", "WARNING"),
        ("core.write_without_read", "role writer on scopeplug.item"): ("permissions", "WARNING"),
        ("core.policy_for_missing_plugin", "policy ghost_role, ghostplug.thing, read"): ("permissions", "WARNING"),
        ("core.scope_attribute_missing", "user rep role scoped_rep"): ("permissions", "WARNING"),
        ("core.unknown_scope", "user odd role oddrole"): ("permissions", "WARNING"),
        ("core.too_many_admins", "role admin"): ("permissions", "WARNING"),
        (f"core.token_unused", f"token {lonely_token} (lonely, test)"): ("permissions", "WARNING"),
        (f"core.token_without_expiry", f"token {lonely_token} (lonely, test)"): ("permissions", "INFO"),
    }
    for key, (section, severity) in expected.items():
        assert key in found, (key, sorted(found))
        assert (found[key]["section"], found[key]["severity"]) == (section, severity)
        assert found[key]["message"] and found[key]["suggestion"]
    assert "rep" in found[("core.scope_attribute_missing", "user rep role scoped_rep")]["message"]
    assert "4 users hold admin" in found[("core.too_many_admins", "role admin")]["message"]
    # not reported: a scoped rep with regions, a token in use, users with roles
    assert not any(s == "user rep2 role scoped_rep" for _c, s in found)
    assert not any(c == "core.user_without_role" and s != "user lonely" for c, s in found)
    assert not any(c == "core.token_unused" and "root" in s for c, s in found)
    assert report["errors"] == 0 and report["id"] is None
    weights = {"ERROR": 15, "WARNING": 5, "INFO": 1}
    assert report["score"] == max(0, 100 - sum(weights[f["severity"]] for f in report["findings"]))
    # the threshold is a site setting: with N = 300 days the old token is not "unused"
    assert ("core.token_unused", f"token {lonely_token} (lonely, test)") not in _found(
        root.ok(REPORT, {"days": 300})["healthReport"])

    # plugins: migration drift is an error, and the CLI exits 1
    with app.transaction() as s:
        s.execute(text("ALTER TABLE scopeplug_item ADD COLUMN junk INTEGER"))
    report = root.ok(REPORT)["healthReport"]
    drift = [f for f in report["findings"] if f["code"] == "core.migration_drift"]
    assert drift and drift[0]["severity"] == "ERROR" and "scopeplug_item" in drift[0]["subject"]
    assert report["findings"][0]["severity"] == "ERROR"  # errors first


def test_the_cli_exits_1_on_migration_drift(make_app):
    app = make_app(plugins=[])
    assert _cli(app, "health", "check").exit_code == 0
    with app.transaction() as s:
        s.execute(text("ALTER TABLE core_health_report ADD COLUMN junk INTEGER"))
    result = _cli(app, "health", "check")
    assert result.exit_code == 1, result.output
    assert "ERROR   plugins     core.migration_drift  schema remove_column core_health_report.junk" in result.output


def test_stored_reports_compare_over_time(make_app, make_client):
    app = make_app(plugins=[])
    root = make_client(app, create_user(app, "root", roles=["admin"]))
    create_user(app, "lonely")
    store = "mutation { healthReportStore { id errors newFindings resolvedFindings findings { code subject } } }"
    first = root.ok(store)["healthReportStore"]
    assert first["id"] is not None
    assert first["newFindings"] == [] and first["resolvedFindings"] == []  # nothing to compare with yet
    root.ok('mutation { userUpdate(input: {username: "lonely", roles: ["auditor"]}) { username } }')
    create_user(app, "newbie")
    second = root.ok(store)["healthReportStore"]
    assert second["resolvedFindings"] == ["core.user_without_role|user lonely"]
    newbie = next(f["subject"] for f in second["findings"] if "newbie" in f["subject"] and "token" in f["subject"])
    assert second["newFindings"] == [f"core.token_without_expiry|{newbie}", "core.user_without_role|user newbie"]
    listed = root.ok("{ healthReports(limit: 5) { id resolvedFindings } }")["healthReports"]
    assert [r["id"] for r in listed] == [second["id"], first["id"]]
    assert listed[0]["resolvedFindings"] == ["core.user_without_role|user lonely"]
    # a user without the right cannot run or store it
    nobody = make_client(app, create_user(app, "nosy", roles=["auditor"]))
    assert nobody.error(REPORT)["extensions"]["code"] == "FORBIDDEN"
    assert nobody.error(store)["extensions"]["code"] == "FORBIDDEN"
    assert root.error("{ healthReports(limit: 0) { id } }")["extensions"]["code"] == "VALIDATION"
    # the cron command stores a report too, and exits 0 without errors
    result = _cli(app, "health", "check", "--store", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["errors"] == 0 and body["id"] == int(second["id"]) + 1
    assert len(root.ok("{ healthReports { id } }")["healthReports"]) == 3
    # using a token stamps its last use (what the "unused" finding reads); an unused one stays unstamped
    with app.transaction() as s:
        used = dict(s.execute(text("SELECT u.username, t.last_used_at FROM core_token t "
                                   "JOIN core_user u ON u.id = t.user_id")).all())
    assert used["root"] is not None and used["newbie"] is None


class Vanishing:
    """A plugin that is installed, then its package goes away."""

    __name__ = "vanish_plugin"

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="vanish", version="0.1.0")


def test_an_installed_plugin_whose_package_is_missing_is_an_error(make_app):
    app = make_app(plugins=["vanish"], extra_plugins=[Vanishing()])
    result = _cli(app, "health", "check", "--json")  # the CLI discovers only real packages
    assert result.exit_code == 1, result.output
    body = json.loads(result.output)
    missing = [f for f in body["findings"] if f["code"] == "core.plugin_package_missing"]
    assert missing == [{"section": "plugins", "code": "core.plugin_package_missing", "severity": "error",
                        "subject": "plugin vanish", "message": "plugin vanish 0.1.0 is installed on this site "
                        "but its package is missing", "suggestion": "install the package that provides vanish, "
                        "or `tenon plugins uninstall vanish`"}]


def test_a_plugin_contributes_findings_and_a_failing_one_is_reported(make_app, make_client):
    from tenon.core.healthcheck import Finding

    class Flows:
        __name__ = "flowsplug_plugin"

        @hookimpl
        def tenon_plugin_info(self):
            return PluginInfo(name="flowsplug", version="0.1.0")

        @hookimpl
        def tenon_health_findings(self, app, session, check):
            if check.days == 30:
                raise RuntimeError("boom")
            return [Finding(section="flows", code="flowsplug.rule_never_fired", severity="warning",
                            subject="rule r1", message=f"rule r1 never fired in {check.days} days",
                            suggestion="disable or remove it")]

    app = make_app(plugins=["flowsplug"], extra_plugins=[Flows()])
    root = make_client(app, create_user(app, "root", roles=["admin"]))
    found = _found(root.ok(REPORT, {"days": 30})["healthReport"])
    assert found[("flowsplug.health_check_failed", "plugin flowsplug")]["severity"] == "ERROR"
    assert "boom" in found[("flowsplug.health_check_failed", "plugin flowsplug")]["message"]
    found = _found(root.ok(REPORT, {"days": 45})["healthReport"])
    assert found[("flowsplug.rule_never_fired", "rule r1")] == {
        "section": "flows", "code": "flowsplug.rule_never_fired", "severity": "WARNING", "subject": "rule r1",
        "message": "rule r1 never fired in 45 days", "suggestion": "disable or remove it"}


def test_a_clean_demo_site_has_no_error_finding(make_app, make_client):
    from tenon.core.demo import load_demo

    app = make_app(plugins=None)
    load_demo(app)
    root = make_client(app, create_user(app, "root", roles=["admin"]))
    report = root.ok(REPORT)["healthReport"]
    assert report["errors"] == 0, [f for f in report["findings"] if f["severity"] == "ERROR"]
    assert report["score"] > 0
    # the demo's studio field and rule are part of the configuration the check looked at
    kinds = {k["name"]: k["items"] for k in root.ok("{ configKinds { name items } }")["configKinds"]}
    assert "stock.product/surface_roughness_ra" in kinds["studio.custom_field"]
    assert "rough_parts" in kinds["studio.flow_rule"] and "qc.check_item" in kinds
    assert not [f for f in report["findings"] if f["subject"] == "rule rough_parts" and f["severity"] != "INFO"]

"""An exception escalates along the chain when its SLA passes (controllable clock: `tenon studio
tick --now`), stops when answered; a rule on a plugin that is then uninstalled shows as broken."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from plugins.mrp.helpers import api_user, mrp_site, new_work_order

from tenon.core.cli import cli as kernel_cli
from tenon.testing import wait_for_outbox

SAVE_RULE = "mutation($i: FlowRuleInput!) { flowRuleSave(input: $i) { id broken } }"
REPORT_EXC = """mutation($i: ExceptionReportInput!) { productionExceptionReport(input: $i) { id assignedTo } }"""
RESPOND = "mutation($id: ID!) { productionExceptionRespond(id: $id) { id state } }"
CLOCKS = "query { slaClocks { recordId assignedTo state dueAt chain escalations { fromUser toUser } } }"
INBOX = "query { notifications { nodes { title event } } }"
SLA_RULE = {
    "code": "quality-exception-sla", "name": "Quality exceptions: answer within 30 min",
    "event": "mrp.exception.reported", "entity": "mrp.exception", "recordKey": "exception_id",
    "condition": "type == 'quality' and record.state == 'open'",
    "actions": [{"type": "sla", "minutes": 30, "users": ["lead", "lead2", "manager_zhou"],
                 "stop": "record.first_response_at != null", "title": "Quality exception {exception_id}"}],
    "owner": "director_wang", "purpose": "Exception response time 3.2 h → 28 min", "reviewDate": "2027-06-30"}


def _tick(app, at: dt.datetime) -> str:
    result = CliRunner().invoke(kernel_cli, ["--site", str(app.site.path), "studio", "tick", "--now", at.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _site(make_app, make_client):
    site = mrp_site(make_app, make_client, plugins=["stock", "mrp", "studio"],
                    settings={"api": {"plugin_check_seconds": 0}})
    base = make_client(site.app)
    for name, roles in (("cm", ["config_manager"]), ("manager_zhou", [])):
        site.clients[name] = base.as_token(api_user(site.app, name, roles))
    return site


def test_exception_escalates_when_its_sla_passes(make_app, make_client):
    site = _site(make_app, make_client)
    site.cm.ok(SAVE_RULE, {"i": SLA_RULE})
    wo = new_work_order(site, 10)
    exc = site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "type": "QUALITY",
                                            "description": "burrs on the bore"}})["productionExceptionReport"]
    site.op_cnc.ok(REPORT_EXC, {"i": {"workOrderId": wo["id"], "type": "MACHINE_DOWN", "description": "alarm"}})
    wait_for_outbox(site.app)
    [clock] = site.cm.ok(CLOCKS)["slaClocks"]  # only the quality exception matches the condition
    assert (clock["recordId"], clock["assignedTo"], clock["state"]) == (exc["id"], "lead", "running")
    due = dt.datetime.fromisoformat(clock["dueAt"])
    assert f"Quality exception {exc['id']} (respond within 30 min)" in [
        n["title"] for n in site.lead.ok(INBOX)["notifications"]["nodes"]]

    assert "escalated: 0" in _tick(site.app, due - dt.timedelta(minutes=1))  # not late yet
    assert "escalated: 1" in _tick(site.app, due + dt.timedelta(minutes=1))
    [clock] = site.cm.ok(CLOCKS)["slaClocks"]
    assert (clock["assignedTo"], clock["escalations"]) == ("lead2", [{"fromUser": "lead", "toUser": "lead2"}])
    titles = [n["title"] for n in site.lead2.ok(INBOX)["notifications"]["nodes"]]
    assert any(t.startswith("Escalated: Quality exception") and "not answered by lead within 30 min" in t for t in titles)

    # lead2 answers in time: the clock stops, the manager is never bothered
    site.lead2.ok(RESPOND, {"id": exc["id"]})
    out = _tick(site.app, dt.datetime.fromisoformat(clock["dueAt"]) + dt.timedelta(minutes=1))
    assert "met: 1" in out and "escalated: 0" in out
    assert site.cm.ok(CLOCKS)["slaClocks"][0]["state"] == "met"
    assert site.manager_zhou.ok(INBOX)["notifications"]["nodes"] == []


def test_rule_on_an_uninstalled_plugin_shows_as_broken(make_app, make_client):
    site = _site(make_app, make_client)
    site.cm.ok(SAVE_RULE, {"i": SLA_RULE})
    assert site.cm.ok("query { flowRules { code broken } }")["flowRules"] == [
        {"code": "quality-exception-sla", "broken": None}]
    result = CliRunner().invoke(kernel_cli, ["--site", str(site.app.site.path), "plugins", "uninstall", "mrp", "--yes"])
    assert result.exit_code == 0, result.output
    rules = site.cm.ok("query { flowRules { code broken } }")["flowRules"]
    assert rules == [{"code": "quality-exception-sla",
                      "broken": "event mrp.exception.reported is unknown (plugin 'mrp' is not installed); "
                                "entity mrp.exception is unknown (plugin 'mrp' is not installed)"}]
    health = make_client(site.app).http.get("/health").json()
    assert health["ok"] is False and health["checks"]["studio"]["broken_rules"] == ["quality-exception-sla"]
    assert "broken: 1" in _tick(site.app, dt.datetime.now(dt.UTC))
    # saving it again is refused until mrp is back
    err = site.cm.error(SAVE_RULE, {"i": SLA_RULE})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "event")


def test_listing_rules_reads_each_entitys_fields_once(make_app, make_client):
    """`flowRules` checks every rule for removed custom fields: the statements do not grow with
    the number of rules on one entity."""
    from tenon.core.testing import count_statements

    site = _site(make_app, make_client)
    site.cm.ok(SAVE_RULE, {"i": SLA_RULE})

    def listed() -> int:
        with count_statements(site.app) as statements:
            rules = site.cm.ok("{ flowRules { code broken } }")["flowRules"]
        assert all(r["broken"] is None for r in rules)
        return len(statements)

    one = listed()
    for n in range(4):
        site.cm.ok(SAVE_RULE, {"i": {**SLA_RULE, "code": f"quality-exception-sla-{n}"}})
    assert listed() == one

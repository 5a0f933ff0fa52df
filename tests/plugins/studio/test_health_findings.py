"""studio's health findings (sections fields and flows), each from a site built to have it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from tenon.core.db import utcnow

REPORT = "{ healthReport { errors findings { section code severity subject message suggestion } } }"
DEFINE = "mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) { id } }"
SAVE = "mutation($i: FlowRuleInput!) { flowRuleSave(input: $i) { id broken } }"
OWNED = {"owner": "ann", "purpose": "test", "reviewDate": "2030-01-01"}
ON_VALUE = {"event": "studio.value.changed", "entity": "stock.product", "recordKey": "record_id", **OWNED}
NOTIFY = [{"type": "notify", "title": "t", "users": ["ann"]}]


def _field(client, code, **more):
    spec = {"entity": "stock.product", "code": code, "type": "text", "labelZh": code, "labelEn": code, **OWNED, **more}
    return client.ok(DEFINE, {"i": spec})["customFieldDefine"]["id"]


def test_each_studio_finding_from_a_site_built_to_have_it(make_app, client_as):
    from tenon.plugins.studio.models import FieldDefinition, Rule

    app = make_app(plugins=["stock", "studio"], settings={"api": {"plugin_check_seconds": 0}})
    ann = client_as(app, "admin", username="ann")
    empty = ann.ok('mutation { productCategoryCreate(input: {code: "EMPTY", name: "Empty"}) { id } }') \
        ["productCategoryCreate"]["id"]
    _field(ann, "idle")
    _field(ann, "coating", categoryId=empty)
    _field(ann, "legacy", owner="ghost", reviewDate="2020-01-01")
    _field(ann, "level", type="choice", choices=["normal", "tightened"])
    _field(ann, "ra", type="decimal")
    gone = _field(ann, "gone")
    rules = [
        {"code": "uses_gone", "name": "uses gone", "condition": "custom.gone == 'x'"},
        {"code": "idle_rule", "name": "idle", "condition": "field == 'ra' and custom.ra > 5"},
        {"code": "impossible", "name": "impossible", "condition": "custom.level == 'relaxed' or custom.ra == 'high'"},
        {"code": "looping", "name": "looping", "condition": "field == 'level'",
         "actions": [{"type": "set_field", "field": "level", "value": "tightened"}]},
        {"code": "ok_rule", "name": "narrowed", "condition": "field == 'ra' and custom.ra > 1",
         "actions": [{"type": "set_field", "field": "level", "value": "tightened"}]},
    ]
    for r in rules:
        ann.ok(SAVE, {"i": {**ON_VALUE, "actions": NOTIFY, **r}})
    ann.ok("mutation($id: ID!) { customFieldRemove(id: $id) { active } }", {"id": gone})
    ann.ok('mutation { productCreate(input: {code: "P1", name: "P1", customFields: {ra: "1.5"}}) { id } }')
    old = utcnow() - dt.timedelta(days=200)
    with app.transaction() as s:
        s.execute(update(FieldDefinition).where(FieldDefinition.code.in_(["idle", "ra"])).values(created_at=old))
        s.execute(update(Rule).where(Rule.code.in_(["idle_rule"])).values(created_at=old))
        s.add(Rule(code="ghost_event", name="ghost", event="ghostplug.thing.happened", actions=NOTIFY,
                   owner="ghost", purpose="left behind", review_date=dt.date(2020, 1, 1)))

    report = ann.ok(REPORT)["healthReport"]
    found = {(f["code"], f["subject"]): f for f in report["findings"] if f["code"].startswith("studio.")}
    expected = {
        ("studio.field_never_filled", "custom field stock.product.idle"): ("fields", "WARNING"),
        ("studio.field_empty_category", "custom field stock.product.coating"): ("fields", "WARNING"),
        ("studio.field_unreferenced", "custom field stock.product.idle"): ("fields", "INFO"),
        ("studio.field_review_overdue", "custom field stock.product.legacy"): ("fields", "WARNING"),
        ("studio.field_owner_unknown", "custom field stock.product.legacy"): ("fields", "WARNING"),
        ("studio.rule_broken", "rule uses_gone"): ("flows", "ERROR"),
        ("studio.rule_broken", "rule ghost_event"): ("flows", "ERROR"),
        ("studio.rule_never_fired", "rule idle_rule"): ("flows", "WARNING"),
        ("studio.rule_condition_impossible", "rule impossible"): ("flows", "WARNING"),
        ("studio.rule_loop", "rule looping"): ("flows", "ERROR"),
        ("studio.rule_review_overdue", "rule ghost_event"): ("flows", "WARNING"),
        ("studio.rule_owner_unknown", "rule ghost_event"): ("flows", "WARNING"),
    }
    for key, (section, severity) in expected.items():
        assert key in found, (key, sorted(found))
        assert (found[key]["section"], found[key]["severity"]) == (section, severity)
        assert found[key]["message"] and found[key]["suggestion"]
    assert "gone" in found[("studio.rule_broken", "rule uses_gone")]["message"]
    assert "ghostplug" in found[("studio.rule_broken", "rule ghost_event")]["message"]
    assert "tightened" in found[("studio.rule_condition_impossible", "rule impossible")]["message"]
    # not reported: a field filled lately, a field rules name, a rule narrowed to another field,
    # a recent rule, a field without a category
    for key in (("studio.field_never_filled", "custom field stock.product.ra"),
                ("studio.field_unreferenced", "custom field stock.product.level"),
                ("studio.rule_loop", "rule ok_rule"), ("studio.rule_never_fired", "rule looping"),
                ("studio.field_empty_category", "custom field stock.product.idle"),
                ("studio.rule_condition_impossible", "rule idle_rule")):
        assert key not in found, key
    assert report["errors"] == 3

"""studio's and qc's configuration kinds through GraphQL: a custom field and a rule edited in a
draft → submit → reject → fix → approve → publish (the schema gains the field) → rollback (the
field leaves the schema, its values stay) → roll forward (they come back); export and import
between sites; a check-item change making a new plan version."""

from __future__ import annotations

import json

FIELD = "studio.custom_field"
RULE = "studio.flow_rule"
RA_KEY = "stock.product/surface_roughness_ra"
RA = {"type": "decimal", "scale": 2, "unit": "µm", "min_value": "0", "max_value": "25", "required": False,
      "label_zh": "表面粗糙度", "label_en": "Roughness", "owner": "ann", "purpose": "Customer X demands Ra",
      "review_date": "2027-06-30"}
ROUGH = {"name": "Rough parts", "event": "studio.value.changed", "entity": "stock.product", "record_key": "record_id",
         "condition": "field == 'surface_roughness_ra' and custom.surface_roughness_ra > 3.2",
         "actions": [{"type": "notify", "title": "Rough part {record_id}", "users": ["ann"]}],
         "owner": "ann", "purpose": "QA looks at rough parts", "review_date": "2027-06-30"}
SET = """mutation($kind: String!, $key: String!, $item: JSON!) {
  configDraftSet(kind: $kind, key: $key, item: $item) { state needsApproval } }"""
DIFF = """query($a: String!, $b: String!) { configDiff(from: $a, to: $b) {
  changes { kind key change needsApproval fields { name old new } } } }"""
PUBLISH = "mutation($m: String!) { configPublish(message: $m) { number source } }"
ROLLBACK = "mutation($n: Int!) { configRollback(toVersion: $n) { number source basedOn } }"
PRODUCTS = '{ products(filter: {search: "BD"}) { nodes { code customFields { surfaceRoughnessRa } } } }'
RULES = "{ flowRules { code broken } }"


def _site(make_app, client_as, plugins=("stock", "studio")):
    app = make_app(plugins=list(plugins), settings={"api": {"plugin_check_seconds": 0}})
    author = client_as(app, "config_manager", "config_approver", "warehouse_manager", username="ann")
    approver = client_as(app, "config_approver", "config_manager", username="bob")
    return app, author, approver


def _changes(client, a, b):
    return sorted((c["kind"], c["key"], c["change"]) for c in client.ok(DIFF, {"a": a, "b": b})["configDiff"]["changes"])


def test_field_and_rule_through_a_draft_then_rollback_and_forward(make_app, client_as):
    app, ann, bob = _site(make_app, client_as)
    assert ann.error(PRODUCTS)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    # edit: the rule names the field the same draft adds
    ann.ok(SET, {"kind": FIELD, "key": RA_KEY, "item": RA})
    assert ann.ok(SET, {"kind": RULE, "key": "rough", "item": ROUGH})["configDraftSet"]["needsApproval"] is True
    assert _changes(ann, "live", "draft") == [(FIELD, RA_KEY, "ADDED"), (RULE, "rough", "ADDED")]
    bad = ann.error(SET, {"kind": FIELD, "key": RA_KEY, "item": {**RA, "scale": 9}})
    assert bad["extensions"]["code"] == "VALIDATION" and bad["extensions"]["field"] == "item.scale"

    # submit → the author cannot approve → reject → fix → approve → publish
    ann.ok('mutation { configSubmit(message: "roughness") { state } }')
    assert ann.error('mutation { configApprove { state } }')["extensions"]["code"] == "FORBIDDEN"
    bob.ok('mutation { configReject(comment: "label it Ra") { state } }')
    assert ann.ok(SET, {"kind": FIELD, "key": RA_KEY, "item": {**RA, "label_en": "Surface roughness Ra"}}) \
        ["configDraftSet"]["state"] == "draft"
    added = ann.ok(DIFF, {"a": "live", "b": "draft"})["configDiff"]["changes"]
    assert [c["change"] for c in added] == ["ADDED", "ADDED"]
    ann.ok("mutation { configSubmit { state } }")
    bob.ok('mutation { configApprove(comment: "ok") { state } }')
    assert ann.ok(PUBLISH, {"m": "Ra"})["configPublish"] == {"number": 2, "source": "publish"}
    assert _changes(ann, "1", "2") == [(FIELD, RA_KEY, "ADDED"), (RULE, "rough", "ADDED")]

    # the schema has the typed field; the rule is whole
    ann.ok('mutation { productCreate(input: {code: "BD-1", name: "Disc", customFields: {surfaceRoughnessRa: "1.6"}}) '
           '{ id } }')
    assert ann.ok(PRODUCTS)["products"]["nodes"] == [{"code": "BD-1", "customFields": {"surfaceRoughnessRa": "1.60"}}]
    assert ann.ok(RULES)["flowRules"] == [{"code": "rough", "broken": None}]

    # a label-only change needs no approval: published straight from the draft
    out = ann.ok(SET, {"kind": FIELD, "key": RA_KEY, "item": {**RA, "label_en": "Ra (µm)"}})["configDraftSet"]
    assert out["needsApproval"] is False
    assert ann.ok(PUBLISH, {"m": "wording"})["configPublish"]["number"] == 3
    change = ann.ok(DIFF, {"a": "2", "b": "3"})["configDiff"]["changes"]
    assert [(c["key"], c["fields"]) for c in change] == \
        [(RA_KEY, [{"name": "label_en", "old": "Surface roughness Ra", "new": "Ra (µm)"}])]

    # rollback to the baseline: the field leaves the schema, the rule goes; the value stays stored
    assert bob.ok(ROLLBACK, {"n": 1})["configRollback"] == {"number": 4, "source": "rollback", "basedOn": 1}
    assert ann.error(PRODUCTS)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert ann.ok(RULES)["flowRules"] == []
    assert _changes(ann, "3", "4") == [(FIELD, RA_KEY, "REMOVED"), (RULE, "rough", "REMOVED")]
    hidden = ann.ok('{ customFieldDefinitions(includeRemoved: true) { code active } }')["customFieldDefinitions"]
    assert hidden == [{"code": "surface_roughness_ra", "active": False}]

    # roll forward to version 3: field, value and rule are back
    bob.ok(ROLLBACK, {"n": 3})
    assert ann.ok(PRODUCTS)["products"]["nodes"] == [{"code": "BD-1", "customFields": {"surfaceRoughnessRa": "1.60"}}]
    assert ann.ok(RULES)["flowRules"] == [{"code": "rough", "broken": None}]
    assert _changes(ann, "3", "live") == []

    # a direct edit stays the quick path: the next publication records it first as a captured version
    ann.ok("""mutation { customFieldDefine(input: {entity: "stock.product", code: "coat", type: "text",
        labelZh: "涂层", labelEn: "Coat", owner: "ann", purpose: "p", reviewDate: "2027-01-01"}) { id } }""")
    ann.ok(SET, {"kind": FIELD, "key": RA_KEY, "item": {**RA, "label_en": "Ra"}})
    assert ann.ok(PUBLISH, {"m": "wording again"})["configPublish"] == {"number": 7, "source": "publish"}
    assert _changes(ann, "5", "6") == [(FIELD, "stock.product/coat", "ADDED")]
    assert ann.ok("{ configVersion(number: 6) { source } }")["configVersion"] == {"source": "captured"}
    assert _changes(ann, "6", "7") == [(FIELD, RA_KEY, "CHANGED")]  # the direct edit survived the draft
    assert {d["code"] for d in ann.ok("{ customFieldDefinitions { code } }")["customFieldDefinitions"]} == \
        {"coat", "surface_roughness_ra"}


def test_export_from_one_site_and_import_into_another(make_app, client_as):
    a_app, a_ann, a_bob = _site(make_app, client_as)
    a_ann.ok('mutation { productCategoryCreate(input: {code: "MACH", name: "Machined"}) { id } }')
    a_ann.ok(SET, {"kind": FIELD, "key": RA_KEY, "item": {**RA, "category": "MACH"}})
    a_ann.ok(SET, {"kind": RULE, "key": "rough", "item": ROUGH})
    a_ann.ok("mutation { configSubmit { state } }")
    a_bob.ok("mutation { configApprove { state } }")
    a_ann.ok(PUBLISH, {"m": "site A"})
    doc = a_ann.ok('{ configExport(version: "published") }')["configExport"]
    assert json.loads(doc)["kinds"][FIELD][RA_KEY]["category"] == "MACH"  # a code, not a row id

    b_app, b_ann, b_bob = _site(make_app, client_as)
    unbound = b_ann.error("mutation($d: String!) { configImport(document: $d) { change { id } } }", {"d": doc})
    assert unbound["extensions"]["code"] == "VALIDATION" and "MACH" in unbound["message"]
    b_ann.ok('mutation { productCategoryCreate(input: {code: "OTHER", name: "Other"}) { id } }')
    mach = b_ann.ok('mutation { productCategoryCreate(input: {code: "MACH", name: "Machined"}) { id } }') \
        ["productCategoryCreate"]["id"]
    imp = b_ann.ok("mutation($d: String!) { configImport(document: $d, publish: true) { change { state } "
                   "version { number } } }", {"d": doc})["configImport"]
    assert imp == {"change": {"state": "submitted"}, "version": None}
    b_bob.ok("mutation { configApprove { state } }")
    b_ann.ok(PUBLISH, {"m": "from A"})
    kinds_a = {k["name"]: k["items"] for k in a_ann.ok("{ configKinds { name items } }")["configKinds"]}
    kinds_b = {k["name"]: k["items"] for k in b_ann.ok("{ configKinds { name items } }")["configKinds"]}
    assert kinds_a[FIELD] == kinds_b[FIELD] and kinds_a[RULE] == kinds_b[RULE]
    defs = b_ann.ok("{ customFieldDefinitions { code categoryId } }")["customFieldDefinitions"]
    assert defs == [{"code": "surface_roughness_ra", "categoryId": mach}]
    assert b_ann.ok(RULES)["flowRules"] == [{"code": "rough", "broken": None}]


def test_a_check_item_change_makes_a_new_plan_version(make_app, client_as):
    app, ann, bob = _site(make_app, client_as, plugins=("stock", "studio", "qc"))
    qm = client_as(app, "quality_manager", "warehouse_manager", username="qm")
    pid = qm.ok('mutation { productCreate(input: {code: "P1", name: "Part"}) { id } }')["productCreate"]["id"]
    plan = qm.ok("""mutation($p: ID!) { inspectionPlanCreate(input: {code: "FIN", name: "Final", stage: FINAL,
        productId: $p, items: [{code: "BORE", name: "Bore", kind: MEASUREMENT, nominal: "25.00",
        lowerTolerance: "-0.05", upperTolerance: "0.05", unit: "mm", decimals: 2}]}) { id } }""",
                 {"p": pid})["inspectionPlanCreate"]["id"]
    items = {k["name"]: k["items"] for k in ann.ok("{ configKinds { name items } }")["configKinds"]}["qc.check_item"]
    assert items == {"FIN/BORE": {"position": 1, "name": "Bore", "kind": "measurement", "nominal": "25.00",
                                  "lower_tolerance": "-0.05", "upper_tolerance": "0.05", "unit": "mm",
                                  "decimals": 2, "required": True}}
    ann.ok(SET, {"kind": "qc.check_item", "key": "FIN/BORE",
                 "item": {**items["FIN/BORE"], "upper_tolerance": "0.03"}})
    ann.ok(SET, {"kind": "qc.check_item", "key": "FIN/VIS", "item": {"name": "Visual", "kind": "pass_fail"}})
    err = ann.error(SET, {"kind": "qc.check_item", "key": "NOPE/X", "item": {"name": "x", "kind": "text"}})
    assert err["extensions"]["code"] == "VALIDATION" and "NOPE" in err["message"]
    ann.ok("mutation { configSubmit { state } }")
    bob.ok("mutation { configApprove { state } }")
    ann.ok(PUBLISH, {"m": "tighter bore"})
    got = qm.ok("""query($id: ID!) { inspectionPlan(id: $id) { currentVersion items { code upperTolerance }
        versions { versionNo note items { code upperTolerance } } } }""", {"id": plan})["inspectionPlan"]
    assert got["currentVersion"] == 2
    assert got["items"] == [{"code": "BORE", "upperTolerance": "0.03"}, {"code": "VIS", "upperTolerance": None}]
    v1 = next(v for v in got["versions"] if v["versionNo"] == 1)
    assert v1["items"] == [{"code": "BORE", "upperTolerance": "0.05"}]  # the past version is untouched
    # rollback: yet another version, equal to the first
    bob.ok(ROLLBACK, {"n": 1})
    got = qm.ok("query($id: ID!) { inspectionPlan(id: $id) { currentVersion items { code upperTolerance } } }",
                {"id": plan})["inspectionPlan"]
    assert got == {"currentVersion": 3, "items": [{"code": "BORE", "upperTolerance": "0.05"}]}

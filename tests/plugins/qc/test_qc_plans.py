"""Plans through GraphQL: tolerance evaluation at and just past the limits, partial recording,
versioning (past inspections keep their version and verdict), sampling, which plan applies."""

from __future__ import annotations

from .helpers import BORE, CREATE_INSP, INSPECTION, REVISE_PLAN, VISUAL, plan, qc_site, record, seed_category

BORE3 = {**BORE, "code": "BORE3", "nominal": "25.000", "lowerTolerance": "-0.050", "upperTolerance": "0.050",
         "decimals": 3}


def manual(site, product: str, quantity, plan_id: str, stage: str = "RECEIPT") -> dict:
    return site.insp.ok(CREATE_INSP, {"i": {"stage": stage, "productId": site.ids.get(product, product),
                                            "quantity": str(quantity), "planId": plan_id}})["inspectionCreate"]


def test_tolerances_inclusive_at_the_limits_failing_just_past_them(make_app, make_client):
    """BORE: 25.00 −0.05/+0.05, 2 decimals (limits 24.95 and 25.05); BORE3 the same with 3
    decimals. Five samples (first 5 of 10):

    ======  =======  ======  =======
    sample  BORE     BORE3   verdict
    ======  =======  ======  =======
    1       25.00    25.000  pass (nominal)
    2       24.95    24.950  pass (on the lower limit)
    3       25.05    25.050  pass (on the upper limit)
    4       24.94    24.949  fail (just below)
    5       25.06    25.051  fail (just above)
    ======  =======  ======  =======

    Recording samples 1–3 first leaves the inspection open (4 values missing); 25.051 on the
    2-decimal item is VALIDATION; once all values are in the result is final: failed, with a
    nonconformance naming both items; a final inspection takes no more values.
    """
    site = qc_site(make_app, make_client)
    p = plan(site, "QP-BOLT", "RECEIPT", product="BOLT", items=[BORE, BORE3],
             sampling={"method": "FIRST_N", "value": "5"})
    assert [(i["code"], i["lowerLimit"], i["upperLimit"]) for i in p["items"]] == [
        ("BORE", "24.95", "25.05"), ("BORE3", "24.95", "25.05")]
    insp = manual(site, "BOLT", 10, p["id"])
    assert (insp["state"], insp["sampleSize"], insp["missingValues"]) == ("OPEN", 5, 10)

    rows = [("25.00", "25.000"), ("24.95", "24.950"), ("25.05", "25.050"), ("24.94", "24.949"), ("25.06", "25.051")]
    part = record(site.insp, insp["id"], *[(code, v, n) for n, pair in enumerate(rows[:3], 1)
                                           for code, v in zip(("BORE", "BORE3"), pair)])
    assert (part["state"], part["missingValues"]) == ("OPEN", 4)
    assert all(r["passed"] for r in part["results"])

    err = site.insp.error(CREATE_INSP,
                          {"i": {"stage": "FINAL", "productId": site.ids["BOLT"], "quantity": "1"}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "planId")  # no final plan
    bad = site.insp.post("mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) { id } }",
                         {"id": insp["id"], "v": [{"item": "BORE", "sampleNo": 4, "value": "25.051"}]})["errors"][0]
    assert (bad["extensions"]["code"], bad["extensions"]["field"]) == ("VALIDATION", "values[0].value")

    done = record(site.insp, insp["id"], *[(code, v, n) for n, pair in enumerate(rows[3:], 4)
                                           for code, v in zip(("BORE", "BORE3"), pair)])
    verdicts = {(r["sampleNo"], r["itemCode"]): r["passed"] for r in done["results"]}
    assert verdicts == {(n, c): n <= 3 for n in range(1, 6) for c in ("BORE", "BORE3")}
    assert [r["measured"] for r in done["results"] if r["itemCode"] == "BORE3"] == ["25", "24.95", "25.05", "24.949", "25.051"]
    assert (done["state"], done["missingValues"]) == ("FAILED", 0)
    assert done["nonconformance"]["state"] == "OPEN"
    again = site.insp.error("mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) { id } }",
                            {"id": insp["id"], "v": [{"item": "BORE", "value": "25.00"}]})
    assert again["extensions"]["code"] == "INVALID_STATE"


def test_a_plan_change_makes_a_version_and_never_changes_past_results(make_app, make_client):
    """v1: BORE ±0.05. Inspection A (v1) records 25.04: passed. The quality manager tightens BORE
    to ±0.02 and adds a visual check at runtime: v2. A still shows v1, its one item and its
    passed 25.04; inspection B (v2) has both items, and 25.04 now fails there."""
    site = qc_site(make_app, make_client)
    p = plan(site, "QP-BOLT", "RECEIPT", product="BOLT", sampling={"method": "FIRST_N", "value": "1"})
    a = manual(site, "BOLT", 5, p["id"])
    a = record(site.insp, a["id"], ("BORE", "25.04"))
    assert (a["state"], a["planVersion"]["versionNo"]) == ("PASSED", 1)

    tight = {**BORE, "lowerTolerance": "-0.02", "upperTolerance": "0.02"}
    change = {"i": {"planId": p["id"], "change": [tight], "add": [VISUAL], "note": "customer X asks for a visual check"}}
    assert site.insp.error(REVISE_PLAN, change)["extensions"]["code"] == "FORBIDDEN"
    v2 = site.qm.ok(REVISE_PLAN, change)["inspectionPlanRevise"]
    assert v2["currentVersion"] == 2
    assert [(v["versionNo"], [i["code"] for i in v["items"]]) for v in v2["versions"]] == [(1, ["BORE"]), (2, ["BORE", "VIS"])]
    assert [(i["code"], i["lowerLimit"], i["upperLimit"]) for i in v2["items"]][0] == ("BORE", "24.98", "25.02")

    a_now = site.insp.ok(INSPECTION, {"id": a["id"]})["inspection"]
    assert a_now["planVersion"] == {"versionNo": 1, "items": [{"code": "BORE"}]}
    assert [(r["itemCode"], r["measured"], r["passed"]) for r in a_now["results"]] == [("BORE", "25.04", True)]
    assert a_now["state"] == "PASSED"

    b = manual(site, "BOLT", 5, p["id"])
    assert b["planVersion"] == {"versionNo": 2, "items": [{"code": "BORE"}, {"code": "VIS"}]}
    b = record(site.insp, b["id"], ("BORE", "25.04"))
    assert (b["state"], b["missingValues"]) == ("OPEN", 1)  # the new required check is still missing
    b = record(site.insp, b["id"], ("VIS", "pass"))
    assert b["state"] == "FAILED"

    unknown = site.qm.error(REVISE_PLAN, {"i": {"planId": p["id"], "remove": ["NOPE"]}})
    assert (unknown["extensions"]["code"], unknown["extensions"]["field"]) == ("NOT_FOUND", "items")
    no_nominal = site.qm.error(REVISE_PLAN, {"i": {"planId": p["id"], "add": [{"code": "LEN", "upperTolerance": "1"}]}})
    assert (no_nominal["extensions"]["code"], no_nominal["extensions"]["field"]) == ("VALIDATION", "items[2].nominal")
    assert site.qm.ok("query($id: ID!) { inspectionPlan(id: $id) { currentVersion } }",
                      {"id": p["id"]})["inspectionPlan"]["currentVersion"] == 2  # refused changes made no version


def test_sampling_sizes_and_which_plan_applies(make_app, make_client):
    """Sample sizes (the worked examples of services/sampling.py): all of 120 → 120; first 5 of 3 →
    3; every 10th of 125 → 13; 2.5 % of 120 → 3; 10 % of 41 → 5; all of 5000 → 1000 (the declared
    cap). A percentage of 0 and a plan of 101 check items (at most 100) are refused.
    A product's own plan wins over its category's, the nearer category over its parent."""
    site = qc_site(make_app, make_client)
    cases = [("ALL", None, 120, 120), ("FIRST_N", "5", 3, 3), ("EVERY_NTH", "10", 125, 13),
             ("PERCENT", "2.5", 120, 3), ("PERCENT", "10", 41, 5), ("ALL", None, 5000, 1000)]
    for n, (method, value, qty, size) in enumerate(cases):
        p = plan(site, f"QP-{n}", "RECEIPT", product="BOLT", sampling={"method": method, "value": value})
        assert manual(site, "BOLT", qty, p["id"])["sampleSize"] == size, (method, value, qty)
    err = site.qm.error("mutation($i: InspectionPlanCreateInput!) { inspectionPlanCreate(input: $i) { id } }",
                        {"i": {"code": "QP-X", "name": "x", "stage": "RECEIPT", "productId": site.ids["BOLT"],
                               "sampling": {"method": "PERCENT", "value": "0"}, "items": [BORE]}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "sampling.value")
    too_many = site.qm.error("mutation($i: InspectionPlanCreateInput!) { inspectionPlanCreate(input: $i) { id } }",
                             {"i": {"code": "QP-Y", "name": "y", "stage": "RECEIPT", "productId": site.ids["BOLT"],
                                    "items": [{**VISUAL, "code": f"C{n}"} for n in range(101)]}})
    assert (too_many["extensions"]["code"], too_many["extensions"]["field"]) == ("VALIDATION", "items")

    metal = seed_category(site.app, "METAL")
    steel = seed_category(site.app, "STEEL-CAT", parent="METAL")
    site.boss.ok("mutation($id: ID!, $i: ProductUpdateInput!) { productUpdate(id: $id, input: $i) { id } }",
                 {"id": site.ids["BOLT"], "i": {"categoryId": steel}})
    parent_plan = plan(site, "QP-METAL", "FINAL", category_id=metal, items=[VISUAL])
    by_category = site.insp.ok(CREATE_INSP, {"i": {"stage": "FINAL", "productId": site.ids["BOLT"], "quantity": "1"}})
    assert by_category["inspectionCreate"]["planVersion"]["items"] == [{"code": "VIS"}]
    near = plan(site, "QP-STEEL", "FINAL", category_id=steel, items=[BORE3])
    got = site.insp.ok(CREATE_INSP, {"i": {"stage": "FINAL", "productId": site.ids["BOLT"], "quantity": "1"}})
    assert got["inspectionCreate"]["planVersion"]["items"] == [{"code": "BORE3"}]
    own = plan(site, "QP-BOLT-F", "FINAL", product="BOLT", items=[BORE])
    got = site.insp.ok(CREATE_INSP, {"i": {"stage": "FINAL", "productId": site.ids["BOLT"], "quantity": "1"}})
    assert got["inspectionCreate"]["planVersion"]["items"] == [{"code": "BORE"}]
    assert parent_plan["categoryId"] == metal and near["categoryId"] == steel and own["productId"] == site.ids["BOLT"]

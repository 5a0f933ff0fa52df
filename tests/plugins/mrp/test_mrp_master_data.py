"""Master data through GraphQL: work centers, operations, routings and BOM versions, explosion."""

from __future__ import annotations

from .helpers import CREATE_BOM, CREATE_ROUTING, CREATE_WC, EXPLODE, dec, mrp_site, product


def _knuckle_boms(site, hub_kind="PHANTOM"):
    app, p = site.app, site.planner
    ids = {c: product(app, c) for c in ("KA2", "HS", "FG", "BOLT2", "BEAR", "STEEL")}
    p.ok(CREATE_BOM, {"i": {"productId": ids["KA2"], "lines": [
        {"componentId": ids["HS"], "quantity": "1", "kind": hub_kind},
        {"componentId": ids["BOLT2"], "quantity": "4", "scrapFactor": "0.05"}]}})
    p.ok(CREATE_BOM, {"i": {"productId": ids["HS"], "lines": [
        {"componentId": ids["FG"], "quantity": "1", "scrapFactor": "0.02", "kind": "MADE"},
        {"componentId": ids["BEAR"], "quantity": "2"}]}})
    p.ok(CREATE_BOM, {"i": {"productId": ids["FG"], "lines": [
        {"componentId": ids["STEEL"], "quantity": "1.5", "scrapFactor": "0.10"}]}})
    return ids


def test_three_level_explosion_with_scrap_factors_phantom_and_made(make_app, make_client):
    """100 knuckle assemblies KA2 = 1 hub HS (phantom) + 4 bolts (5 % scrap); HS = 1 forging FG
    (made, 2 % scrap) + 2 bearings; FG = 1.5 kg steel (10 % scrap).

    bolts 100 × 4 × 1.05 = 420 (level 1); HS is exploded through, so forging 100 × 1 × 1.02 = 102
    and bearings 100 × 2 = 200 (level 2); the forging is made, so it is issued as itself and its
    steel is not in the list. Exploding the forging alone: 102 × 1.5 × 1.10 = 168.3 steel.
    With HS a made sub-assembly instead (version 2 of KA2's BOM), the list is HS 100 and bolts 420.
    """
    site = mrp_site(make_app, make_client, shop=False)
    ids = _knuckle_boms(site)
    rows = site.planner.ok(EXPLODE, {"p": ids["KA2"], "q": "100"})["bomExplosion"]
    got = {r["product"]["code"]: (dec(r["quantity"]), r["level"], r["made"]) for r in rows}
    assert got == {"BOLT2": (dec(420), 1, False), "FG": (dec(102), 2, True), "BEAR": (dec(200), 2, False)}
    steel = site.planner.ok(EXPLODE, {"p": ids["FG"], "q": "102"})["bomExplosion"]
    assert [(r["product"]["code"], dec(r["quantity"]), dec(r["perUnit"])) for r in steel] == [("STEEL", dec("168.3"), dec("1.65"))]

    v2 = site.planner.ok(CREATE_BOM, {"i": {"productId": ids["KA2"], "lines": [
        {"componentId": ids["HS"], "quantity": "1", "kind": "MADE"},
        {"componentId": ids["BOLT2"], "quantity": "4", "scrapFactor": "0.05"}]}})["bomCreate"]
    assert v2["versionNo"] == 2 and v2["active"]
    rows = site.planner.ok(EXPLODE, {"p": ids["KA2"], "q": "100"})["bomExplosion"]
    assert {r["product"]["code"]: (dec(r["quantity"]), r["made"]) for r in rows} == {
        "HS": (dec(100), True), "BOLT2": (dec(420), False)}
    versions = site.planner.ok("query($p: ID!) { boms(productId: $p) { versionNo active } }", {"p": ids["KA2"]})["boms"]
    assert versions == [{"versionNo": 2, "active": True}, {"versionNo": 1, "active": False}]


def test_a_cycle_is_a_validation_error_naming_the_path(make_app, make_client):
    site = mrp_site(make_app, make_client, shop=False)
    ids = _knuckle_boms(site)
    site.planner.ok(CREATE_BOM, {"i": {"productId": ids["STEEL"], "lines": [
        {"componentId": ids["KA2"], "quantity": "1"}]}})
    err = site.planner.error(EXPLODE, {"p": ids["KA2"], "q": "1"})
    assert err["extensions"]["code"] == "VALIDATION"
    assert "KA2 → HS → FG → STEEL → KA2" in err["message"]
    assert err["extensions"]["field"] == "productId"


def test_phantom_without_a_bom_and_bad_lines_are_refused(make_app, make_client):
    site = mrp_site(make_app, make_client, shop=False)
    a, b = product(site.app, "A"), product(site.app, "B")
    site.planner.ok(CREATE_BOM, {"i": {"productId": a, "lines": [{"componentId": b, "quantity": "1", "kind": "PHANTOM"}]}})
    err = site.planner.error(EXPLODE, {"p": a, "q": "1"})
    assert err["extensions"]["code"] == "VALIDATION" and "B is a phantom" in err["message"]
    err = site.planner.error(CREATE_BOM, {"i": {"productId": a, "lines": [{"componentId": b, "quantity": "-1"}]}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "lines[0].quantity")
    err = site.planner.error(CREATE_BOM, {"i": {"productId": a, "lines": [{"componentId": "999999", "quantity": "1"}]}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "lines[0].componentId")
    err = site.planner.error(EXPLODE, {"p": b, "q": "1"})
    assert err["extensions"]["code"] == "VALIDATION" and "no active BOM" in err["message"]


def test_work_centers_operations_routings_and_access(make_app, make_client):
    site = mrp_site(make_app, make_client)
    err = site.planner.error(CREATE_WC, {"i": {"code": "CNC", "name": "again"}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "code")
    err = site.planner.error(CREATE_WC, {"i": {"code": "X", "name": "x", "workingDays": [0]}})
    assert err["extensions"]["field"] == "workingDays"
    for who in ("op_cnc", "dev_cnc", "nobody"):
        assert site.clients[who].error(CREATE_WC, {"i": {"code": "Y", "name": "y"}})["extensions"]["code"] == "FORBIDDEN"
    data = site.op_cnc.ok("query { workCenters { nodes { code capacity leadUsername workingDays } } }")
    assert data["workCenters"]["nodes"][1] == {"code": "CNC", "capacity": "2", "leadUsername": "lead",
                                               "workingDays": [1, 2, 3, 4, 5]}
    ka = site.ids["KA"]
    v2 = site.planner.ok(CREATE_ROUTING, {"i": {"productId": ka, "steps": [{"operationId": site.ids["ASSY"]}]}})
    assert v2["routingCreate"]["versionNo"] == 2
    rows = site.planner.ok("query($p: ID!) { routings(productId: $p) { versionNo active steps { sequence operationId } } }",
                           {"p": ka})["routings"]
    assert [(r["versionNo"], r["active"], len(r["steps"])) for r in rows] == [(2, True, 1), (1, False, 2)]
    assert site.op_cnc.error(EXPLODE, {"p": ka, "q": "1"})["extensions"]["code"] == "FORBIDDEN"

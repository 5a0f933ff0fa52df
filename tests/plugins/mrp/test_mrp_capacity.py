"""workCenterLoad: available hours from the calendar, planned and reported hours, percentages."""

from __future__ import annotations

from tenon.core.testing import count_statements

from .helpers import CREATE_WC, dec, mrp_site, new_work_order, report

LOAD = """query($f: Date!, $t: Date!) { workCenterLoad(from: $f, to: $t) { workCenterCode day availableHours
    plannedHours reportedHours loadPercent utilisationPercent } }"""
UPDATE_WC = "mutation($i: WorkCenterUpdateInput!) { workCenterUpdate(input: $i) { downtime } }"


def test_load_worked_example_and_constant_statements(make_app, make_client):
    """Week of Monday 2026-12-07. CNC: 2 machines × 8 h = 16 h a weekday, planned downtime on
    Tuesday 12-08 (0 h), nothing at the weekend. ASM: 1 × 8 h.

    One work order of 100 KA due Monday: TURN plans 10 + 0.5 × 100 = 60 min = 1 h at CNC (load
    1/16 = 6.25 %), ASSY 5 + 100 = 105 min = 1.75 h at ASM (21.875 % → 21.88). Turning reports 40
    pieces in 120 minutes ending Monday 10:00 UTC: 2 h reported, utilisation 2/16 = 12.5 %.
    """
    site = mrp_site(make_app, make_client)
    site.planner.ok(UPDATE_WC, {"i": {"id": site.ids["CNC"], "downtime": ["2026-12-08"]}})
    wo = new_work_order(site, 100, dueDate="2026-12-07")
    report(site.op_cnc, wo["operations"][0]["id"], 40, minutes="120", endedAt="2026-12-07T10:00:00+00:00")
    rows = site.planner.ok(LOAD, {"f": "2026-12-07", "t": "2026-12-13"})["workCenterLoad"]
    by = {(r["workCenterCode"], r["day"]): r for r in rows}
    assert len(rows) == 14
    mon = by[("CNC", "2026-12-07")]
    assert (dec(mon["availableHours"]), dec(mon["plannedHours"]), dec(mon["reportedHours"]),
            dec(mon["loadPercent"]), dec(mon["utilisationPercent"])) == (16, 1, 2, dec("6.25"), dec("12.5"))
    asm = by[("ASM", "2026-12-07")]
    assert (dec(asm["availableHours"]), dec(asm["plannedHours"]), dec(asm["loadPercent"])) == (8, dec("1.75"), dec("21.88"))
    assert dec(by[("CNC", "2026-12-08")]["availableHours"]) == 0 and by[("CNC", "2026-12-08")]["loadPercent"] is None
    assert dec(by[("ASM", "2026-12-08")]["availableHours"]) == 8
    assert dec(by[("CNC", "2026-12-12")]["availableHours"]) == 0  # Saturday

    with count_statements(site.app) as few:
        site.planner.ok(LOAD, {"f": "2026-12-07", "t": "2026-12-13"})
    for i in range(5):
        site.planner.ok(CREATE_WC, {"i": {"code": f"X{i}", "name": f"Extra {i}"}})
    with count_statements(site.app) as many:
        assert len(site.planner.ok(LOAD, {"f": "2026-12-07", "t": "2026-12-13"})["workCenterLoad"]) == 49
    assert len(many) == len(few)
    err = site.planner.error(LOAD, {"f": "2026-12-07", "t": "2026-12-01"})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "to")


def test_out_of_range_dates_are_validation_errors_and_naive_times_utc(make_app, make_client):
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 10)
    err = site.planner.error(LOAD, {"f": "9999-12-30", "t": "9999-12-31"})
    # the Date scalar's range (1900-2999) refuses the first out-of-range variable, by its name
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "f")
    err = site.planner.error("query { exceptionResponseTime(from: \"2026-01-01\", to: \"9999-12-31\") { count } }")
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "to")
    # a time without an offset is UTC, as everywhere in the API (README, API conventions)
    body = report(site.op_cnc, wo["operations"][0]["id"], 1, endedAt="2026-12-07T10:00:00")
    assert "errors" not in body, body

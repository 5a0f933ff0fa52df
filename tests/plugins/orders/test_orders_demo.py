"""``tenon demo`` for orders: regions, 50 customers, 60 orders in every state, a user per role;
idempotent; and the KPI tells the plant's story (18.6 days → 13.2 days)."""

from __future__ import annotations

import datetime as dt

from tenon.core.demo import demo_password, load_demo

COUNTS = """{ regions { totalCount } customers { totalCount } salesOrders(first: 100) { totalCount nodes { state } } }"""
KPI = "query($f: Date!, $t: Date!) { deliveryCycleTime(from: $f, to: $t) { count averageDays } }"


def test_demo_data_is_complete_idempotent_and_scoped(make_app, make_client):
    """Plan: done 16, shipped 10, partially shipped 6, ready 4, in production 5, confirmed 8, draft 6,
    cancelled 5 = 60 orders. The 26 fully shipped ones were shipped 30-55 days ago (13 orders, mean
    18.6 days from confirmation) or 3-27 days ago (13 orders, mean 13.2 days). A second run adds
    nothing. rep_east (regions [east]) sees only East China and its provinces."""
    app = make_app(plugins=["orders"])
    lines = load_demo(app)
    assert any(line.strip().startswith("rep_east") and "regions: east" in line for line in lines)
    load_demo(app)  # idempotent

    mgr = make_client(app).login("salesmgr", demo_password("salesmgr"))
    data = mgr.ok(COUNTS)
    assert (data["regions"]["totalCount"], data["customers"]["totalCount"], data["salesOrders"]["totalCount"]) == (
        13, 50, 60)
    by_state: dict[str, int] = {}
    for node in data["salesOrders"]["nodes"]:
        by_state[node["state"]] = by_state.get(node["state"], 0) + 1
    assert by_state == {"DONE": 16, "SHIPPED": 10, "PARTIALLY_SHIPPED": 6, "READY": 4, "IN_PRODUCTION": 5,
                        "CONFIRMED": 8, "DRAFT": 6, "CANCELLED": 5}

    today = dt.datetime.now(dt.UTC).date()
    recent = mgr.ok(KPI, {"f": str(today - dt.timedelta(days=28)), "t": str(today)})["deliveryCycleTime"]
    older = mgr.ok(KPI, {"f": str(today - dt.timedelta(days=56)), "t": str(today - dt.timedelta(days=29))})[
        "deliveryCycleTime"]
    assert (older["count"], older["averageDays"]) == (13, 18.6)
    assert (recent["count"], recent["averageDays"]) == (13, 13.2)

    rep = make_client(app).login("rep_east", demo_password("rep_east"))
    regions = {n["regionCode"] for n in rep.ok("{ salesOrders(first: 100) { nodes { regionCode } } }")[
        "salesOrders"]["nodes"]}
    assert regions and regions <= {"east", "zhejiang", "jiangsu", "shanghai"}
    for user in ("rep_south", "planner", "clerk"):
        make_client(app).login(user, demo_password(user))

"""Order progress overview (overdue first) and the delivery-cycle-time KPI, computed from the
recorded state changes. Timestamps are set by the test (``helpers.set_state_times``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import CONFIRM_ORDER, confirmed_order, create_order, line, orders_site, set_state_times, ship, utc


@pytest.fixture
def site(make_app, make_client):
    return orders_site(make_app, make_client)


KPI = """query($f: Date!, $t: Date!, $r: String) { deliveryCycleTime(from: $f, to: $t, region: $r) {
    from to regionCode count averageDays medianDays minDays maxDays
    distribution { label minDays maxDays count } } }"""


def test_delivery_cycle_time_from_recorded_state_changes(site):
    """Days from confirmation to full shipment of the orders fully shipped in April 2026:

    ======  =========  ================  ===========================  =====
    order   customer   confirmed         fully shipped                days
    ======  =========  ================  ===========================  =====
    A       C-EAST     04-01 08:00       04-11 08:00                  10.0
    B       C-ZJ       04-03 12:00       04-20 00:00 (partial 04-10)  16.5
    C       C-SOUTH    04-05 00:00       04-29 00:00                  24.0
    D       C-EAST     03-20 00:00       03-30 00:00 (March)          out
    E       C-EAST     04-02 00:00       05-01 00:00 (May)            out
    F       C-EAST     04-02 00:00       only partially shipped       out
    ======  =========  ================  ===========================  =====

    April: 3 orders, average (10 + 16.5 + 24) / 3 = 16.83, median 16.5, min 10, max 24; one each
    in 7-14, 14-21 and 21-28 days. Region east (east + zhejiang): A and B, (10 + 16.5) / 2 = 13.25.
    A partial shipment is not "full shipment": B counts from its confirmation to its last shipment.
    """
    mgr, clerk, ids = site["salesmgr"], site["clerk"], site.ids
    plan = {
        "A": ("C-EAST", {"confirmed": utc(2026, 4, 1, 8), "shipped": utc(2026, 4, 11, 8)}),
        "B": ("C-ZJ", {"confirmed": utc(2026, 4, 3, 12), "partially_shipped": utc(2026, 4, 10),
                       "shipped": utc(2026, 4, 20)}),
        "C": ("C-SOUTH", {"confirmed": utc(2026, 4, 5), "shipped": utc(2026, 4, 29)}),
        "D": ("C-EAST", {"confirmed": utc(2026, 3, 20), "shipped": utc(2026, 3, 30)}),
        "E": ("C-EAST", {"confirmed": utc(2026, 4, 2), "shipped": utc(2026, 5, 1)}),
        "F": ("C-EAST", {"confirmed": utc(2026, 4, 2), "partially_shipped": utc(2026, 4, 12)}),
    }
    for name, (customer, times) in plan.items():
        order = confirmed_order(mgr, ids[customer], [line(ids["BD-01"], 4)], customerReference=name)
        lid = order["lines"][0]["id"]
        if "partially_shipped" in times:
            ship(clerk, order["id"], [(lid, 1)])
        if "shipped" in times:
            ship(clerk, order["id"])
        set_state_times(site.app, order["id"], times)

    kpi = mgr.ok(KPI, {"f": "2026-04-01", "t": "2026-04-30"})["deliveryCycleTime"]
    assert (kpi["from"], kpi["to"], kpi["regionCode"]) == ("2026-04-01", "2026-04-30", None)
    assert (kpi["count"], kpi["averageDays"], kpi["medianDays"], kpi["minDays"], kpi["maxDays"]) == (
        3, 16.83, 16.5, 10.0, 24.0)
    assert [(b["label"], b["count"]) for b in kpi["distribution"]] == [
        ("0-7 days", 0), ("7-14 days", 1), ("14-21 days", 1), ("21-28 days", 1), ("28+ days", 0)]

    east = mgr.ok(KPI, {"f": "2026-04-01", "t": "2026-04-30", "r": "east"})["deliveryCycleTime"]
    assert (east["count"], east["averageDays"], east["regionCode"]) == (2, 13.25, "east")
    may = mgr.ok(KPI, {"f": "2026-05-01", "t": "2026-05-31"})["deliveryCycleTime"]
    assert (may["count"], may["averageDays"]) == (1, 29.0)  # E: 04-02 → 05-01
    empty = mgr.ok(KPI, {"f": "2025-01-01", "t": "2025-01-31"})["deliveryCycleTime"]
    assert (empty["count"], empty["averageDays"]) == (0, None)

    assert mgr.error(KPI, {"f": "2026-04-30", "t": "2026-04-01"})["extensions"]["code"] == "VALIDATION"
    assert mgr.error(KPI, {"f": "2026-04-01", "t": "2026-04-30", "r": "atlantis"})["extensions"]["code"] == \
        "NOT_FOUND"


PROGRESS = """query($d: Date) { orderProgress(asOf: $d) { totalCount nodes {
    number state overdue percentComplete ordered produced shipped requestedDate
    order { customerReference }
    lines { position productCode ordered shipped percentComplete overdue dueDate } } } }"""


def test_order_progress_lists_open_orders_overdue_first(site):
    """As of 2026-06-15, orders dated 2026-05-01:

    =====  ==========  ====================================================  =========
    order  requested   lines (ordered / shipped)                             listed
    =====  ==========  ====================================================  =========
    P1     06-01       BD-01 10/4 due 07-01 (not overdue); CP-02 6/0 (06-01)  2nd, overdue, 4/16 = 25%
    P2     07-01       BD-01 5/0                                             3rd
    P3     05-20       BD-01 2/0                                             1st, overdue
    P4     none        BD-01 1/0                                             4th (undated last)
    P5     01-01 ...   draft                                                 not open: no
    P6     06-01       BD-01 3/3 shipped                                     not open: no
    =====  ==========  ====================================================  =========
    """
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids

    def order(ref, requested, lines, confirm=True):
        extra = {"customerReference": ref, "orderDate": "2026-05-01"}
        if requested:
            extra["requestedDate"] = requested
        o = create_order(rep, ids["C-EAST"], lines, **extra)
        if confirm:
            rep.ok(CONFIRM_ORDER, {"id": o["id"]})
        return o

    p1 = order("P1", "2026-06-01", [line(ids["BD-01"], 10, due_date="2026-07-01"), line(ids["CP-02"], 6)])
    order("P2", "2026-07-01", [line(ids["BD-01"], 5)])
    order("P3", "2026-05-20", [line(ids["BD-01"], 2)])
    order("P4", None, [line(ids["BD-01"], 1)])
    order("P5", "2026-05-02", [line(ids["BD-01"], 1)], confirm=False)
    p6 = order("P6", "2026-06-01", [line(ids["BD-01"], 3)])
    ship(clerk, p1["id"], [(p1["lines"][0]["id"], 4)])
    ship(clerk, p6["id"])

    page = rep.ok(PROGRESS, {"d": "2026-06-15"})["orderProgress"]
    assert page["totalCount"] == 4
    rows = {n["order"]["customerReference"]: n for n in page["nodes"]}
    assert [n["order"]["customerReference"] for n in page["nodes"]] == ["P3", "P1", "P2", "P4"]
    assert {ref: rows[ref]["overdue"] for ref in rows} == {"P3": True, "P1": True, "P2": False, "P4": False}
    p1_row = rows["P1"]
    assert (p1_row["state"], Decimal(p1_row["ordered"]), Decimal(p1_row["shipped"]), p1_row["percentComplete"]) == (
        "PARTIALLY_SHIPPED", 16, 4, 25.0)
    assert [(x["productCode"], x["percentComplete"], x["overdue"], x["dueDate"]) for x in p1_row["lines"]] == [
        ("BD-01", 40.0, False, "2026-07-01"), ("CP-02", 0.0, True, "2026-06-01")]

    # a month earlier nothing is overdue, and the order is by requested date alone
    early = rep.ok(PROGRESS, {"d": "2026-05-15"})["orderProgress"]["nodes"]
    assert [n["order"]["customerReference"] for n in early] == ["P3", "P1", "P2", "P4"]
    assert not any(n["overdue"] for n in early)


def test_order_progress_pages_are_read_off_the_open_orders_index(site):
    """The dashboard's statement, as the server sends it for a scoped rep, walks the partial index of
    open orders in the listed order (``ix_orders_sales_order_open_progress``): no sort of every
    open order, which took 340 ms at a million orders on PostgreSQL. The tables here are small, so
    PostgreSQL is told to avoid sequential scans and sorts: what matters is that the index can
    serve the page, i.e. that the query matches its condition and its order."""
    from sqlalchemy import event

    app, rep, ids = site.app, site["rep_east"], site.ids
    for requested in ("2026-06-01", None, "2026-05-20"):
        create = {"orderDate": "2026-05-01", **({"requestedDate": requested} if requested else {})}
        confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 1)], **create)
    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM orders_sales_order" in statement and "ORDER BY" in statement and "LIMIT" in statement:
            sent.append((statement, parameters))

    event.listen(app.request_engine, "before_cursor_execute", record)
    try:
        page = rep.ok("{ orderProgress(asOf: \"2026-06-15\", first: 2) { nodes { order { customerReference } } } }")
    finally:
        event.remove(app.request_engine, "before_cursor_execute", record)
    assert len(page["orderProgress"]["nodes"]) == 2
    (statement, parameters), = sent
    with app.request_engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "Sort" not in plan, plan
        else:
            plan = "\n".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "TEMP B-TREE" not in plan, plan
    assert "ix_orders_sales_order_open_progress" in plan, plan

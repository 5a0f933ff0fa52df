"""Machine signals: a device bound to a work center reports with an idempotency key; a replay
counts once (also 100 concurrent replays on PostgreSQL); each work order counts one source."""

from __future__ import annotations

import threading

import pytest

from .helpers import SIGNAL, WO, dec, mrp_site, new_work_order, report

SET_SOURCE = "mutation($id: ID!, $s: CountingSource!) { workOrderSetCountingSource(id: $id, countingSource: $s) { countingSource } }"


def _signal(client, wo_id, qty, key):
    return client.post(SIGNAL, {"i": {"workOrderId": wo_id, "quantity": str(qty), "idempotencyKey": key}})


def test_signals_count_once_and_sources_never_double_count(make_app, make_client):
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 20, countingSource="MACHINE")
    turn = wo["operations"][0]
    first = _signal(site.dev_cnc, wo["id"], 5, "cnc-1:0001")["data"]["workOrderOperationSignal"]
    assert first["duplicate"] is False and first["report"]["source"] == "MACHINE"
    again = _signal(site.dev_cnc, wo["id"], 5, "cnc-1:0001")["data"]["workOrderOperationSignal"]
    assert again == {**first, "duplicate": True}
    err = report(site.op_cnc, turn["id"], 1)["errors"][0]
    assert (err["extensions"]["code"], err["extensions"]["details"]["countingSource"]) == ("WRONG_COUNTING_SOURCE", "machine")
    assert site.dev_cnc.post(*_report_as_device(turn["id"]))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert dec(site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]["goodQuantity"]) == 5

    site.planner.ok(SET_SOURCE, {"id": wo["id"], "s": "OPERATOR"})
    err = _signal(site.dev_cnc, wo["id"], 5, "cnc-1:0002")["errors"][0]
    assert err["extensions"]["code"] == "WRONG_COUNTING_SOURCE"
    assert "errors" not in report(site.op_cnc, turn["id"], 3)
    ops = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"]
    assert [dec(o["goodQuantity"]) for o in ops] == [dec(8), dec(0)]
    # a device only reaches operations at its own work center: ASSY is at ASM
    site.planner.ok(SET_SOURCE, {"id": wo["id"], "s": "MACHINE"})
    err = _signal(site.dev_cnc, wo["id"], 12, "cnc-1:0003")
    assert "errors" not in err
    err = _signal(site.dev_cnc, wo["id"], 1, "cnc-1:0004")["errors"][0]
    assert err["extensions"]["code"] == "INVALID_STATE"  # TURN is done, ASSY is not its work center
    assert _signal(site.op_cnc, wo["id"], 1, "x")["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def _report_as_device(op_id):
    from .helpers import REPORT

    return REPORT, {"i": {"operationId": op_id, "good": "1"}}


@pytest.mark.postgres_only
def test_one_hundred_concurrent_replays_count_once(make_app, make_client):
    """100 threads send the same signal at once over their own connections (the server runs
    them concurrently): exactly one counts, 99 come back as duplicates of it, quantity 7."""
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 500, countingSource="MACHINE")
    barrier = threading.Barrier(100)
    results, errors = [], []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            body = _signal(site.dev_cnc, wo["id"], 7, "cnc-1:replay")
            with lock:
                (errors if body.get("errors") else results).append(body)
        except BaseException as exc:  # noqa: BLE001 - every failure is unexpected here
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    flags = [b["data"]["workOrderOperationSignal"]["duplicate"] for b in results]
    assert (flags.count(False), flags.count(True)) == (1, 99)
    assert len({b["data"]["workOrderOperationSignal"]["report"]["id"] for b in results}) == 1
    op = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]
    assert dec(op["goodQuantity"]) == 7
    assert len(site.planner.ok("query($id: ID!) { workOrder(id: $id) { operations { reports { id } } } }",
                               {"id": wo["id"]})["workOrder"]["operations"][0]["reports"]) == 1


@pytest.mark.postgres_only
def test_concurrent_distinct_signals_never_over_report(make_app, make_client):
    """30 different signals of 3 for a work order of 20 arrive at once: exactly 6 count (18), the
    other 24 are OVER_REPORTED (only 2 are left for them); the work order row lock orders them."""
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 20, countingSource="MACHINE")
    barrier = threading.Barrier(30)
    codes: list[str] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        barrier.wait(timeout=30)
        body = _signal(site.dev_cnc, wo["id"], 3, f"cnc-1:{i}")
        with lock:
            codes.append(body["errors"][0]["extensions"]["code"] if body.get("errors") else "OK")

    threads = [threading.Thread(target=send, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(codes) == ["OK"] * 6 + ["OVER_REPORTED"] * 24
    op = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]
    assert (dec(op["goodQuantity"]), op["state"]) == (dec(18), "IN_PROGRESS")

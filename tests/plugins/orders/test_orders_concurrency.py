"""Parallel shipping of one order on PostgreSQL: never more in shipments than was ordered."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tenon.core.errors import TenonError

from .helpers import confirmed_order, line, orders_site

THREADS, EACH = 10, Decimal(4)


@pytest.mark.postgres_only
def test_parallel_shipments_of_one_line_never_exceed_the_order(make_app, make_client):
    """One line of 10 discs; 10 threads each ask a shipment of 4 at the same moment. 10 // 4 = 2
    can fit, so at least 8 threads are refused, each with a CONFLICT (the order row is touched
    first: optimistic version) or OVER_SHIPMENT, and the shipments hold at most 8 ≤ 10."""
    site = orders_site(make_app, make_client)
    app, ids = site.app, site.ids
    order = confirmed_order(site["rep_east"], ids["C-EAST"], [line(ids["BD-01"], 10)])
    order_id, line_id = int(order["id"]), int(order["lines"][0]["id"])

    from tenon.plugins.orders import ship_sales_order
    from tenon.plugins.stock import Shipment, ShipmentLine

    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    outcome = {"shipped": 0, "conflict": 0, "over": 0}
    unexpected: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            with app.transaction() as s:
                ship_sales_order(s, order_id, [{"line_id": line_id, "quantity": EACH}])
            key = "shipped"
        except StaleDataError:
            key = "conflict"
        except TenonError as exc:
            key = "over" if exc.code == "OVER_SHIPMENT" else ""
            if not key:
                unexpected.append(exc)
                return
        except BaseException as exc:  # deadlocks, serialization failures: all unexpected
            unexpected.append(exc)
            return
        with lock:
            outcome[key] += 1

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert unexpected == []
    assert sum(outcome.values()) == THREADS
    assert 1 <= outcome["shipped"] <= 2
    with app.transaction() as s:
        in_shipments = s.scalar(select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
                                .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
                                .where(Shipment.origin_type == "orders.sales_order", Shipment.origin_id == order_id))
    assert Decimal(in_shipments) == EACH * outcome["shipped"] <= 10

"""Many parallel transactions reserving and consuming the same balance on PostgreSQL: no oversell,
no negative balance, and the balances still agree with the ledger afterwards."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from tenon.core.errors import TenonError
from tenon.plugins.stock import confirm_shipment, create_product, create_shipment, on_hand, receive, reserve_for
from tenon.plugins.stock.ledger import check_balances, reserved

from .helpers import levels, stock_site

SUPPLY = Decimal(50)
SHIPPERS, SHIP_QTY = 20, Decimal(3)
HOLDERS, HOLD_QTY = 10, Decimal(2)


@pytest.mark.postgres_only
def test_parallel_reservations_and_consumption_never_oversell(make_app, make_client):
    """50 discs on hand. 20 threads each confirm their own shipment of 3 (reserve then consume in one
    transaction) while 10 threads each reserve 2 for a sales order; all start together. Demand is
    20×3 + 10×2 = 80 > 50, so some must fail, and only with INSUFFICIENT_STOCK.

    Afterwards: on hand = 50 − 3 × (confirmed shipments), reserved = 2 × (successful holds),
    on hand − reserved ≥ 0, everything taken ≤ 50, and since any refusal happened when less than 3
    (or 2) were available and availability only falls, the final available is below 3.
    """
    site = stock_site(make_app, make_client)
    app = site.app
    with app.transaction() as s:
        pid = create_product(s, name="Brake disc", code="FG-DISC").id
        receive(s, product_id=pid, quantity=SUPPLY)
        shipments = [create_shipment(s, origin_type="test.order", origin_id=i,
                                     lines=[{"product_id": pid, "quantity": SHIP_QTY, "origin_line_id": None}]).id
                     for i in range(SHIPPERS)]

    barrier = threading.Barrier(SHIPPERS + HOLDERS)
    lock = threading.Lock()
    outcome = {"shipped": 0, "held": 0, "refused": 0}
    unexpected: list[BaseException] = []

    def run(kind: str, arg: int) -> None:
        try:
            barrier.wait(timeout=30)
            with app.transaction() as s:
                if kind == "ship":
                    confirm_shipment(s, arg)
                else:
                    reserve_for(s, product_id=pid, quantity=HOLD_QTY, origin_type="orders.sales_order", origin_id=arg)
            with lock:
                outcome["shipped" if kind == "ship" else "held"] += 1
        except TenonError as exc:
            with lock:
                if exc.code == "INSUFFICIENT_STOCK":
                    outcome["refused"] += 1
                else:
                    unexpected.append(exc)
        except BaseException as exc:  # deadlocks, serialization failures: all unexpected
            with lock:
                unexpected.append(exc)

    threads = [threading.Thread(target=run, args=("ship", sid)) for sid in shipments]
    threads += [threading.Thread(target=run, args=("hold", 1000 + i)) for i in range(HOLDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert unexpected == []
    assert outcome["shipped"] + outcome["held"] + outcome["refused"] == SHIPPERS + HOLDERS
    assert outcome["refused"] > 0

    with app.transaction() as s:
        have, held = on_hand(s, pid), reserved(s, pid)
        assert check_balances(s) == []
    assert have == SUPPLY - SHIP_QTY * outcome["shipped"]
    assert held == HOLD_QTY * outcome["held"]
    assert have >= 0 and have - held >= 0
    assert SHIP_QTY * outcome["shipped"] + HOLD_QTY * outcome["held"] <= SUPPLY
    assert have - held < SHIP_QTY
    assert levels(site.planner, str(pid)) == (have, held, have - held)

"""Network label printing: labelPrint renders the ZPL label, queues a print job and the outbox
sends it over raw TCP to the printer (a listener on 127.0.0.1 here) after the commit; a printer
that refuses the connection is retried and then marked failed with the reason, without failing
the user's transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tenon.testing import client_as, wait_for_outbox  # noqa: F401  (client_as is a fixture)

from .helpers import JOB, PRINT, REGISTER, PrinterListener, free_port

LABEL = "query($id: ID!) { label(kind: LOT, id: $id, format: ZPL) { content value } }"


@pytest.fixture
def printer():
    listener = PrinterListener()
    yield listener
    listener.close()


def _lot(app) -> str:
    from tenon.plugins.stock import Lot, create_product, receive

    with app.transaction(operation="test:seed") as s:
        p = create_product(s, name="Brake disc 280", code="BD280", tracking="lot")
        receive(s, product_id=p.id, quantity=Decimal(10), lot="L-2026-07")
        return str(s.scalar(select(Lot.id).where(Lot.product_id == p.id)))


def test_a_label_reaches_the_printer_with_the_right_zpl(make_app, client_as, printer):
    app = make_app(plugins=["devices"])
    manager, clerk = client_as(app, "device_manager"), client_as(app, "warehouse_clerk")
    lot = _lot(app)
    dev = manager.ok(REGISTER, {"i": {"code": "ZT-RCV-1", "name": "Receiving", "kind": "LABEL_PRINTER",
                                      "host": "127.0.0.1", "port": printer.port}})["deviceRegister"]
    assert (dev["kind"], dev["port"], dev["health"]) == ("LABEL_PRINTER", printer.port, "UNKNOWN")

    job = clerk.ok(PRINT, {"t": {"kind": "LOT", "id": lot}, "p": "ZT-RCV-1", "c": 3})["labelPrint"]
    assert (job["state"], job["copies"], job["printer"]["code"]) == ("QUEUED", 3, "ZT-RCV-1") and job["createdBy"]
    wait_for_outbox(app)
    [sent] = printer.wait(1)
    zpl = sent.decode("utf-8")
    # exactly the stock label (the `label` query's ZPL) with a print quantity of 3 before ^XZ
    expected = clerk.ok(LABEL, {"id": lot})["label"]["content"]
    assert zpl == expected.replace("^XZ", "^PQ3,0,1,Y\n^XZ")
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and "^FDBD280/L-2026-07^FS" in zpl
    done = clerk.ok(JOB, {"id": job["id"]})["printJob"]
    assert (done["state"], done["attempts"], done["lastError"]) == ("SENT", 1, None) and done["sentAt"]


def test_a_refusing_printer_is_retried_then_failed_and_the_job_can_be_queued_again(make_app, client_as, printer):
    app = make_app(plugins=["devices"])
    manager, clerk = client_as(app, "device_manager"), client_as(app, "warehouse_clerk")
    lot = _lot(app)
    off = free_port()
    manager.ok(REGISTER, {"i": {"code": "ZT-OFF", "name": "Switched off", "kind": "LABEL_PRINTER",
                                "host": "127.0.0.1", "port": off, "printAttempts": 2}})
    # the user's transaction succeeds although nothing listens
    job = clerk.ok(PRINT, {"t": {"kind": "LOT", "id": lot}, "p": "ZT-OFF", "c": 1})["labelPrint"]
    assert job["state"] == "QUEUED"
    wait_for_outbox(app, timeout=20)  # first attempt, then the retry 2 s later
    failed = clerk.ok(JOB, {"id": job["id"]})["printJob"]
    assert (failed["state"], failed["attempts"]) == ("FAILED", 2)
    assert "127.0.0.1:" in failed["lastError"] and "refused" in failed["lastError"].lower()

    # the printer comes back on another port: the job is retried on request and printed
    manager.ok("mutation($i: DeviceUpdateInput!) { deviceUpdate(input: $i) { port } }",
               {"i": {"id": _device_id(manager, "ZT-OFF"), "port": printer.port}})
    again = manager.ok("mutation($id: ID!) { printJobRetry(id: $id) { state attempts } }", {"id": job["id"]})
    assert again["printJobRetry"] == {"state": "QUEUED", "attempts": 0}
    wait_for_outbox(app)
    assert "^FDBD280/L-2026-07^FS" in printer.wait(1)[0].decode()
    assert clerk.ok(JOB, {"id": job["id"]})["printJob"]["state"] == "SENT"
    # a sent job cannot be retried
    err = manager.error("mutation($id: ID!) { printJobRetry(id: $id) { state } }", {"id": job["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"


def _device_id(client, code: str) -> str:
    nodes = client.ok("{ devices { nodes { id code } } }")["devices"]["nodes"]
    return next(n["id"] for n in nodes if n["code"] == code)


def test_print_input_is_checked_and_access_is_enforced(make_app, client_as, printer):
    app = make_app(plugins=["devices"])
    manager, clerk = client_as(app, "device_manager"), client_as(app, "warehouse_clerk")
    nobody = client_as(app)
    lot = _lot(app)
    manager.ok(REGISTER, {"i": {"code": "ZT-1", "name": "Zebra", "kind": "LABEL_PRINTER", "host": "127.0.0.1",
                                "port": printer.port}})
    manager.ok(REGISTER, {"i": {"code": "PDA-1", "name": "PDA", "kind": "TERMINAL"}})
    t = {"kind": "LOT", "id": lot}
    for variables, code, field in (
        ({"t": t, "p": "ZT-1", "c": 0}, "VALIDATION", "copies"),
        ({"t": t, "p": "ZT-1", "c": 101}, "VALIDATION", "copies"),
        ({"t": t, "p": "NOPE", "c": 1}, "NOT_FOUND", "printer"),
        ({"t": t, "p": "PDA-1", "c": 1}, "NOT_A_PRINTER", "printer"),
        ({"t": {"kind": "LOT", "id": "999999"}, "p": "ZT-1", "c": 1}, "NOT_FOUND", None),
        ({"t": {"kind": "WORK_ORDER", "id": "1"}, "p": "ZT-1", "c": 1}, "VALIDATION", "target.kind"),
    ):
        err = clerk.error(PRINT, variables)
        assert err["extensions"]["code"] == code, (variables, err)
        if field:
            assert err["extensions"].get("field") == field, (variables, err)
    assert nobody.error(PRINT, {"t": t, "p": "ZT-1", "c": 1})["extensions"]["code"] == "FORBIDDEN"
    assert clerk.error(REGISTER, {"i": {"code": "X", "name": "x", "kind": "TERMINAL"}})["extensions"]["code"] == "FORBIDDEN"
    err = manager.error(REGISTER, {"i": {"code": "ZT-2", "name": "no host", "kind": "LABEL_PRINTER"}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "host")
    # nothing was queued by the refused calls
    assert manager.ok("{ printJobs { totalCount } }")["printJobs"]["totalCount"] == 0


def test_receipt_and_work_order_labels(make_app, make_client, client_as, printer):
    """From the receipt and work-order pages: a receipt's label carries its number, a work
    order's traveller its number, product and quantity (mrp installed)."""
    from mrp.helpers import mrp_site, new_work_order
    from tenon.plugins.stock import Product, receive

    site = mrp_site(make_app, make_client, plugins=["stock", "mrp", "devices"])
    manager, clerk = client_as(site.app, "device_manager"), client_as(site.app, "warehouse_clerk")
    manager.ok(REGISTER, {"i": {"code": "ZT-1", "name": "Zebra", "kind": "LABEL_PRINTER", "host": "127.0.0.1",
                                "port": printer.port}})
    with site.app.transaction(operation="test:seed") as s:
        bolt = s.scalar(select(Product).where(Product.code == "BOLT"))
        rc = receive(s, product_id=bolt.id, quantity=Decimal(50), reference="PO-4711")
        rc_id, rc_number = str(rc.id), rc.number
    wo = new_work_order(site, 12, release=False)
    r = clerk.ok(PRINT, {"t": {"kind": "RECEIPT", "id": rc_id}, "p": "ZT-1", "c": 1})["labelPrint"]
    w = site.planner.ok(PRINT, {"t": {"kind": "WORK_ORDER", "id": wo["id"]}, "p": "ZT-1", "c": 1})["labelPrint"]
    assert (r["labelValue"], w["labelValue"]) == (rc_number, wo["number"])
    wait_for_outbox(site.app)
    labels = sorted(x.decode() for x in printer.wait(2))
    assert any(f"^FD{rc_number}^FS" in z and "PO-4711" in z for z in labels)
    assert any(f"^FD{wo['number']}^FS" in z and "KA · 12" in z for z in labels)
    # an operator prints a work order's traveller, not a receipt (they may not read receipts)
    assert "errors" not in site.op_cnc.post(PRINT, {"t": {"kind": "WORK_ORDER", "id": wo["id"]}, "p": "ZT-1", "c": 1})
    err = site.op_cnc.error(PRINT, {"t": {"kind": "RECEIPT", "id": rc_id}, "p": "ZT-1", "c": 1})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("FORBIDDEN", "target.kind")
    # an unknown work order is NOT_FOUND, naming the target
    err = site.planner.error(PRINT, {"t": {"kind": "WORK_ORDER", "id": "999999"}, "p": "ZT-1", "c": 1})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "target.id")

"""``tenon stock check`` recomputes every balance from the ledger and reports differences (exit 1)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import text

from tenon.core.cli import cli

from .helpers import PICK_SHIPMENT, create_product, receive, ship, stock_site


def _check(app, *extra: str):
    return CliRunner().invoke(cli, ["--site", str(app.site.path), "stock", "check", *extra])


def test_check_reports_a_corrupted_balance(make_app, make_client):
    """A clean ledger passes (exit 0). Then a raw SQL UPDATE adds 5 to the discs' stock balance
    behind the ledger's back: the check reports that balance (ledger 7, balance 12) and the product
    sum (+5), exit 1. A reserved total that no reservation row explains is reported too."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 10)
    ship(site.clerk, disc["id"], 3)
    held = ship(site.clerk, disc["id"], 2, confirm=False)
    site.clerk.ok(PICK_SHIPMENT, {"id": held["id"]})
    ok = _check(site.app)
    assert ok.exit_code == 0, ok.output
    assert "agree" in ok.output

    stock_loc = int(site.location_id("WH/STOCK"))
    with site.app.engine.begin() as conn:
        conn.execute(text("UPDATE stock_balance SET quantity = quantity + 5 WHERE product_id = :p AND location_id = :l"),
                     {"p": int(disc["id"]), "l": stock_loc})
    bad = _check(site.app, "--json")
    assert bad.exit_code == 1
    problems = [json.loads(line) for line in bad.stdout.splitlines() if line.startswith("{")]
    assert {"product_id": int(disc["id"]), "location_id": stock_loc, "lot_id": None, "kind": "quantity",
            "ledger": "7.0000", "balance": "12.0000"} in problems
    assert {"product_id": int(disc["id"]), "location_id": None, "lot_id": None, "kind": "sum", "total": "5.0000"} in problems

    with site.app.engine.begin() as conn:
        conn.execute(text("UPDATE stock_balance SET quantity = quantity - 5, reserved = reserved + 1 "
                          "WHERE product_id = :p AND location_id = :l"), {"p": int(disc["id"]), "l": stock_loc})
    bad = _check(site.app)
    assert bad.exit_code == 1
    assert "MISMATCH reserved" in bad.stdout and "reservations=2.0000, balance=3.0000" in bad.stdout
    assert "MISMATCH quantity" not in bad.stdout

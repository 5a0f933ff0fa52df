"""``tenon stock ...`` commands."""

from __future__ import annotations

import json
import sys

import click


@click.group("stock")
def stock() -> None:
    """Stock ledger tools."""


@stock.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON lines.")
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Recompute balances and reservations from the ledger; exit 1 on any difference."""
    from .ledger import check_balances

    app = ctx.obj.app()  # the kernel's CLI state (``tenon --site DIR``)
    with app.transaction(operation="cli:stock check") as session:
        problems = check_balances(session)
    for p in problems:
        if as_json:
            click.echo(json.dumps(p, sort_keys=True))
        else:
            where = f"product {p['product_id']} at location {p['location_id']}" + (
                f" lot {p['lot_id']}" if p.get("lot_id") else "")
            detail = ", ".join(f"{k}={v}" for k, v in p.items() if k not in ("product_id", "location_id", "lot_id", "kind"))
            click.echo(f"MISMATCH {p['kind']}: {where}: {detail}")
    if problems:
        click.echo(f"{len(problems)} difference(s) between the ledger and the balances", err=True)
        sys.exit(1)
    click.echo("stock balances agree with the ledger")

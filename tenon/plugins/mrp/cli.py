"""``tenon mrp …`` commands (a mistake prints one ``error:`` line through the kernel CLI)."""

from __future__ import annotations

import click


@click.group("mrp")
def mrp() -> None:
    """Manufacturing: work orders, exceptions."""


@mrp.command("escalate")
@click.pass_context
def escalate(ctx: click.Context) -> None:
    """Escalate unacknowledged production exceptions past their SLA (run it every minute)."""
    from .services.exceptions import escalate_overdue

    app = ctx.obj.app()  # the kernel's CLI state (``tenon --site DIR``)
    with app.transaction(operation="cli:mrp escalate") as s:
        moved = escalate_overdue(s)
    for e in moved:
        click.echo(f"exception {e.id} ({e.type}) escalated to {e.assigned_to}")
    click.echo(f"{len(moved)} exception(s) escalated")

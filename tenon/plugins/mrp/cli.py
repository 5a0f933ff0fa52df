"""``tenon mrp …`` commands."""

from __future__ import annotations

import click


@click.group("mrp")
def mrp() -> None:
    """Manufacturing: work orders, exceptions."""


@mrp.command("escalate")
@click.pass_context
def escalate(ctx: click.Context) -> None:
    """Escalate unacknowledged production exceptions past their SLA (run it every minute)."""
    from tenon.core.errors import TenonError

    from .services.exceptions import escalate_overdue

    app = ctx.obj.app()  # the kernel's CLI state (``tenon --site DIR``)
    try:
        with app.transaction(operation="cli:mrp escalate") as s:
            n = len(escalate_overdue(s))
    except TenonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{n} exception(s) escalated")

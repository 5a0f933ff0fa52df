"""``tenon studio``: the rule clock (SLA escalation, retries of failed rule runs, broken rules)."""

from __future__ import annotations

import datetime as dt

import click


@click.group("studio")
def studio() -> None:
    """Custom fields and flow rules."""


@studio.command("tick")
@click.option("--now", "now", default=None, help="Act as if it were this UTC time (ISO 8601); default: now.")
@click.pass_context
def tick(ctx: click.Context, now: str | None) -> None:
    """Escalate SLA clocks past due, retry failed rule runs, mark broken rules (run it every minute)."""
    from .services.runner import tick as run_tick

    moment = None
    if now:
        try:
            moment = dt.datetime.fromisoformat(now)
        except ValueError:
            raise click.BadParameter("use ISO 8601, e.g. 2026-12-01T08:30:00Z", param_hint="--now") from None
        moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    app = ctx.obj.app()
    with app.transaction(operation="cli:studio tick") as s:
        counts = run_tick(s, moment)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))

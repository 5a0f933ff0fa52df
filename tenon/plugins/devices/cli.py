"""``tenon devices …`` commands (a mistake prints one ``error:`` line through the kernel CLI)."""

from __future__ import annotations

import datetime as dt
import logging

import click


@click.group("devices")
def devices() -> None:
    """Devices: the MQTT bridge, health checks."""


@devices.command("mqtt")
@click.option("--broker", default="mqtt://127.0.0.1:1883", show_default=True,
              help="mqtt://[user[:password]@]host[:port] (mqtts:// for TLS).")
@click.option("--client-id", default=None, help="MQTT client id: a fixed one keeps a persistent session (messages wait while the bridge "
                   "is down); default tenon-devices-<random>, a clean session.")
@click.option("--tick", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Seconds between topic refreshes and silent-device checks.")
@click.option("--serve", "serve_too", is_flag=True,
              help="Also serve the GraphQL API (as `tenon serve`) in this process; the bridge runs once.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: the address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="With --serve: the port.")
@click.option("--workers", default=1, show_default=True, type=int, help="With --serve: server worker processes.")
@click.pass_context
def mqtt(ctx: click.Context, broker: str, client_id: str | None, tick: float, serve_too: bool, host: str, port: int,
         workers: int) -> None:
    """Bridge machine messages from an MQTT broker to machine signals (runs until stopped)."""
    from .mqtt import Bridge

    app = ctx.obj.app()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    bridge = Bridge(app, broker, client_id=client_id, tick_seconds=tick)
    click.echo(f"bridging {broker} to {ctx.obj.site_dir} (Ctrl-C stops)", err=True)
    if serve_too:
        from tenon.graphql.cli import serve

        bridge.start()
        try:
            ctx.invoke(serve, host=host, port=port, workers=workers)  # returns when the server stops
        finally:
            bridge.stop()
    else:
        bridge.run_forever()
    click.echo("stopped: " + ", ".join(f"{k} {v}" for k, v in sorted(bridge.stats.items())), err=True)


@devices.command("check")
@click.option("--at", "at", default=None, help="Judge silence as of this ISO time (default: now).")
@click.pass_context
def check(ctx: click.Context, at: str | None) -> None:
    """Mark devices that stopped reporting silent (their work center's lead is notified)."""
    from .services.devices import check_silent

    now = None
    if at:
        try:
            now = dt.datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter("use an ISO time such as 2026-12-01T08:00:00+00:00", param_hint="--at") from None
        if now.tzinfo is None:
            raise click.BadParameter("the time needs a time zone (+00:00)", param_hint="--at")
    app = ctx.obj.app()
    with app.transaction(operation="cli:devices check") as s:
        silent = [d.code for d in check_silent(s, now)]
    for code in silent:
        click.echo(f"device {code} is silent")
    click.echo(f"{len(silent)} device(s) silent")
